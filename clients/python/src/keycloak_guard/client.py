"""The revocation feed follower: the realm's live revocations in memory, kept current from Redis.

The follower is one daemon thread with redis-py's synchronous client, not an asyncio task: it keeps following
however busy (or blocked) the application's event loop is, it works the same under FastAPI, Starlette, Django or a
plain WSGI app, and it stays clear of the redis.asyncio cancellation bugs of the 4.x line (CVE-2023-28858/28859).
``is_revoked`` only reads memory, so calling it from async code never blocks the event loop.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ._contract import ZERO_ID, Heartbeat, Keys, parse_stream_id
from ._state import FeedState

if TYPE_CHECKING:
    from .config import Settings

log = logging.getLogger("keycloak_guard")

#: How often the follower checks that the stream was not trimmed past it, besides after every reconnect.
_TRIM_CHECK_SECONDS = 30.0
#: Retry delays while Redis does not answer: short, so the feed is current again right after Redis is back.
_FIRST_BACKOFF = 0.05
_MAX_BACKOFF = 0.25

_started: weakref.WeakSet[RevocationClient] = weakref.WeakSet()


@dataclass(frozen=True)
class Health:
    """What a health endpoint shows about the feed."""

    #: the snapshot has loaded once (until then no revocation is known)
    ready: bool
    #: the last Redis command succeeded
    connected: bool
    #: staleness is beyond ``stale_after`` (or no publisher heartbeat confirmed yet)
    stale: bool
    #: how far behind Keycloak this reader may be, in seconds; None before the first confirmed heartbeat
    staleness_seconds: float | None
    stale_after_seconds: float
    fail_closed: bool
    last_applied_id: str
    live_revocations: int
    #: feed entries that could not be applied (unknown kind or version, malformed) and were skipped
    skipped_entries: int
    #: the publisher writes a later revision of the contract than this package reads: update the package
    outdated: bool
    snapshot_loads: int
    reconnects: int
    last_error: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RevocationClient:
    """Keeps one realm's live revocations in memory: loads the snapshot, follows the stream, watches the heartbeat.

    >>> revocations = RevocationClient(redis_url="redis://localhost:6379", realm="my-realm").start()
    >>> revocations.wait_ready(10)   # before serving: until then no revocation is known
    >>> revocations.is_revoked(verified_claims)

    Thread-safe: one follower thread writes, any thread or coroutine reads. The follower survives every error: a
    lost connection (it resumes after the last entry it applied), a Redis that restarted with or without its data,
    a stream trimmed past it (it reloads the snapshot and merges it), an entry it cannot read (skipped and counted).

    :param redis_url: ``redis://`` or ``rediss://`` URL (user, password and database in it); or pass ``redis``
    :param realm: the realm **name** whose feed to follow
    :param key_prefix: the pack's key-prefix option (default ``kcguard:``)
    :param stale_after: seconds; the feed counts as stale when the newest confirmed publisher heartbeat is older
    :param fail_closed: treat every token as revoked while the feed is stale or not loaded yet (default: answer from
        what is known)
    :param redis: a ready synchronous client (e.g. from ``redis.sentinel.Sentinel.master_for`` or a
        ``RedisCluster``) instead of ``redis_url``; give it a ``socket_timeout`` above ``poll_block``
    :param poll_block: seconds one stream read waits for news; also bounds how long ``stop`` takes
    """

    def __init__(
        self,
        *,
        realm: str,
        redis_url: str | None = None,
        key_prefix: str = "kcguard:",
        stale_after: float = 10.0,
        fail_closed: bool = False,
        redis: redis.Redis | Any | None = None,
        poll_block: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not realm:
            raise ValueError("realm is required")
        if (redis_url is None) == (redis is None):
            raise ValueError("give exactly one of redis_url and redis")
        if stale_after <= 0:
            raise ValueError("stale_after must be positive")
        if poll_block <= 0:
            raise ValueError("poll_block must be positive")
        self.realm = realm
        self.keys = Keys(key_prefix, realm)
        self.stale_after = float(stale_after)
        self.fail_closed = bool(fail_closed)
        self._stale_after_ms = int(stale_after * 1000)
        self._poll_block_ms = max(1, int(poll_block * 1000))
        self._clock = clock
        self._own_redis = redis is None
        self._redis: Any = redis if redis is not None else _connect(str(redis_url), poll_block)
        self._state = FeedState()
        self._ready = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._forked = False
        self._connected = False
        self._last_error: str | None = None
        self._snapshot_loads = 0
        self._reconnects = 0

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> RevocationClient:
        """A client configured like the other languages' packages (see :class:`keycloak_guard.Settings`)."""
        if settings.redis_url is None and "redis" not in overrides:
            raise ValueError("redis_url is required (KEYCLOAK_GUARD_REDIS_URL)")
        options: dict[str, Any] = {
            "realm": settings.realm,
            "redis_url": settings.redis_url,
            "key_prefix": settings.key_prefix,
            "stale_after": settings.stale_after,
            "fail_closed": settings.fail_closed,
        }
        if "redis" in overrides:
            options["redis_url"] = None
        options.update(overrides)
        return cls(**options)

    # -- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> RevocationClient:
        """Starts following in a daemon thread; the snapshot loads in the background (see :meth:`wait_ready`).

        Start it in each worker process after the fork (in the application's lifespan), not at import time.
        """
        if self._thread is None:
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._follow, name=f"keycloak-guard-revocations-{self.realm}", daemon=True
            )
            self._thread.start()
            _started.add(self)
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stops the follower (it returns within ``poll_block``) and closes the connection it opened."""
        self._stopping.set()
        if self._own_redis:
            # Closing the socket ends the blocking read at once instead of after poll_block. Closing a broken
            # connection can fail: nothing to do then.
            with contextlib.suppress(Exception):
                self._redis.connection_pool.disconnect()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread() and not self._forked:
            thread.join(self._poll_block_ms / 1000 + 5 if timeout is None else timeout)
        if self._own_redis:
            with contextlib.suppress(Exception):
                self._redis.close()

    close = stop

    def __enter__(self) -> RevocationClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Blocks until the snapshot has loaded once; False if it did not within ``timeout`` seconds.

        Until then the client knows no revocation. Do not call it on an event loop: use :meth:`wait_ready_async`.
        """
        return self._ready.wait(timeout)

    async def wait_ready_async(self, timeout: float | None = None) -> bool:
        """:meth:`wait_ready` for async code: waits without blocking the event loop."""
        from ._aio import sleep

        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._ready.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            await sleep(0.02)
        return True

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    # -- the check -----------------------------------------------------------------------------------------

    def is_revoked(self, claims: Mapping[str, Any]) -> bool:
        """True when verified claims belong to a revoked token, session, user, grant or client; with
        ``fail_closed``, also while the feed is stale or not loaded yet. Reads memory only."""
        if self.fail_closed and self._state.is_stale(int(self._clock() * 1000), self._stale_after_ms):
            return True
        return self._state.live.is_revoked(claims)

    def staleness(self) -> float | None:
        """Seconds this reader may be behind Keycloak (the age of the newest confirmed publisher heartbeat's
        ``drained_to``); None before the first one. Grows when this reader cannot reach Redis, and also when
        Keycloak cannot publish (Keycloak down, Redis refusing its writes, a stuck outbox)."""
        ms = self._state.staleness_ms(int(self._clock() * 1000))
        return None if ms is None else ms / 1000

    def is_stale(self) -> bool:
        return self._state.is_stale(int(self._clock() * 1000), self._stale_after_ms)

    @property
    def last_applied_id(self) -> str:
        return self._state.last_applied

    @property
    def live_revocations(self) -> int:
        return self._state.live_count

    @property
    def skipped(self) -> int:
        return self._state.skipped

    @property
    def snapshot_loads(self) -> int:
        """How often the snapshot was (re)loaded: once at start, again after a trimmed stream or lost data."""
        return self._snapshot_loads

    def health(self) -> Health:
        now_ms = int(self._clock() * 1000)
        staleness = self._state.staleness_ms(now_ms)
        return Health(
            ready=self.ready,
            connected=self._connected,
            stale=self._state.is_stale(now_ms, self._stale_after_ms),
            staleness_seconds=None if staleness is None else staleness / 1000,
            stale_after_seconds=self.stale_after,
            fail_closed=self.fail_closed,
            last_applied_id=self._state.last_applied,
            live_revocations=self._state.live_count,
            skipped_entries=self._state.skipped,
            outdated=self._state.outdated,
            snapshot_loads=self._snapshot_loads,
            reconnects=self._reconnects,
            last_error=self._last_error,
        )

    # -- the follower --------------------------------------------------------------------------------------

    def _follow(self) -> None:
        reconnected = True
        last_trim_check = 0.0
        backoff = _FIRST_BACKOFF
        while not self._stopping.is_set():
            try:
                if not self._state.loaded:
                    self._load_snapshot()
                elif reconnected or time.monotonic() - last_trim_check > _TRIM_CHECK_SECONDS:
                    last_trim_check = time.monotonic()
                    position = self._stream_position()
                    if position == "replaced":
                        log.info(
                            "Keycloak Guard revocation feed: the stream ends before the last applied entry "
                            "(Redis was replaced or lost its data); reloading the snapshot from its start"
                        )
                        self._load_snapshot(position_reset=True)
                    elif position == "trimmed":
                        log.info(
                            "Keycloak Guard revocation feed: the stream no longer holds the last applied entry; "
                            "reloading the snapshot"
                        )
                        self._load_snapshot()
                reconnected = False
                self._read_stream()
                self._read_heartbeat()
                self._state.remove_expired(int(self._clock()))
                if not self._connected and self._last_error is not None:
                    log.info(
                        "Keycloak Guard revocation feed: Redis answers again; following from %s",
                        self._state.last_applied,
                    )
                self._connected = True
                self._last_error = None
                backoff = _FIRST_BACKOFF
            except Exception as e:
                if self._stopping.is_set():
                    return
                if self._connected or self._last_error is None:
                    level = logging.WARNING if isinstance(e, redis.RedisError | OSError) else logging.ERROR
                    log.log(
                        level,
                        "Keycloak Guard revocation feed: Redis unavailable (%s: %s); retrying",
                        type(e).__name__,
                        e,
                        exc_info=level == logging.ERROR,
                    )
                if self._connected:
                    self._reconnects += 1
                self._connected = False
                self._last_error = f"{type(e).__name__}: {e}"
                reconnected = True
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)

    def _load_snapshot(self, position_reset: bool = False) -> None:
        """Snapshot then stream with no gap: remember where the stream ends, then read the snapshot."""
        newest = self._redis.xrevrange(self.keys.stream, "+", "-", count=1)
        stream_end = _text(newest[0][0]) if newest else ZERO_ID
        records = self._redis.hgetall(self.keys.records)
        self._state.load_snapshot(stream_end, list(records.values()), int(self._clock()), position_reset)
        self._snapshot_loads += 1
        self._ready.set()
        self._read_heartbeat()

    def _stream_position(self) -> str:
        """Whether reading on from the last applied entry misses nothing: "continuous", "trimmed" (the stream now
        starts after it) or "replaced" (the stream ends before it, or is empty: XREAD from the old position would
        never see the new stream's entries)."""
        last = self._state.last_applied
        if last == ZERO_ID:
            return "continuous"
        newest = self._redis.xrevrange(self.keys.stream, "+", "-", count=1)
        if not newest or parse_stream_id(_text(newest[0][0])) < parse_stream_id(last):
            return "replaced"
        oldest = self._redis.xrange(self.keys.stream, "-", "+", count=1)
        return "trimmed" if oldest and parse_stream_id(_text(oldest[0][0])) > parse_stream_id(last) else "continuous"

    def _read_stream(self) -> None:
        batches = self._redis.xread({self.keys.stream: self._state.last_applied}, count=1000, block=self._poll_block_ms)
        if not batches:
            return
        # RESP2 answers a list of [stream, entries]; RESP3 a dict {stream: [entries]}.
        groups = batches.values() if isinstance(batches, dict) else (b[1] for b in batches)
        for entries in groups:
            for entry_id, fields in entries:
                self._state.apply_entry(_text(entry_id), _strings(fields))

    def _read_heartbeat(self) -> None:
        self._state.observe_heartbeat(Heartbeat.from_fields(_strings(self._redis.hgetall(self.keys.heartbeat))))


def _connect(url: str, poll_block: float) -> Any:
    # No retries inside redis-py (newer versions retry with backoff by default): the follower retries itself, at
    # once and briefly, so that it is current again right after Redis answers. The socket timeout stays above the
    # blocking read. (Typed as Any: redis-py 5.0, the lowest supported, has no annotations here.)
    from_url: Any = redis.Redis.from_url
    no_retry: Any = Retry
    no_backoff: Any = NoBackoff
    return from_url(
        url,
        decode_responses=True,
        socket_timeout=poll_block + 5,
        socket_connect_timeout=2,
        retry=no_retry(no_backoff(), 0),
        client_name="keycloak-guard-python",
    )


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _strings(fields: Any) -> dict[str, str]:
    if not fields:
        return {}
    if isinstance(fields, dict):
        return {_text(k): _text(v) for k, v in fields.items() if v is not None}
    return {}


def _after_fork_in_child() -> None:
    # A follower thread does not survive fork(): a client started before the fork (e.g. gunicorn --preload with
    # the client started at import) would answer from a frozen copy of the feed. Make that loud instead.
    for client in list(_started):
        if client._thread is not None and not client._forked:
            client._forked = True
            client._ready.clear()
            client._connected = False
            client._last_error = (
                "started before this process forked: the follower does not run here; "
                "start the client in each worker (in the application's lifespan)"
            )
            log.error("Keycloak Guard revocation feed: %s", client._last_error)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
