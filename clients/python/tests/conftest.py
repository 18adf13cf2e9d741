from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from .support import JwksServer, KeyPair, Publisher, RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A Redis of this test alone, which it may stop and restart (losing its data)."""
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:8]}:"


@pytest.fixture
def publisher(redis_server: RedisServer, prefix: str) -> Publisher:
    return Publisher(redis_server.client(), prefix, "test")


@pytest.fixture(scope="session")
def key() -> KeyPair:
    return KeyPair()


@pytest.fixture
def jwks(key: KeyPair) -> Iterator[JwksServer]:
    server = JwksServer([key])
    yield server
    server.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
