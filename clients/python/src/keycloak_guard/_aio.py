"""The few async helpers the package needs, on anyio when it is there (Starlette, FastAPI), else asyncio."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

try:
    import anyio
    import anyio.to_thread

    async def sleep(seconds: float) -> None:
        await anyio.sleep(seconds)

    async def to_thread(func: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(func)

except ImportError:  # pragma: no cover - every supported framework brings anyio
    import asyncio

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def to_thread(func: Callable[[], T]) -> T:
        return await asyncio.to_thread(func)
