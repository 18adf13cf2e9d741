"""The follower against a real redis-server: snapshot, stream, heartbeat, reconnect, lost data, trimmed stream."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import pytest

from keycloak_guard import RevocationClient

from .support import Publisher, RedisServer, wait_until


def claims(**c: Any) -> dict[str, Any]:
    return {"iat": int(time.time()) - 5, **c}


def client_for(server: RedisServer, prefix: str, **options: Any) -> RevocationClient:
    options.setdefault("poll_block", 0.2)
    return RevocationClient(redis_url=server.url, realm="test", key_prefix=prefix, **options)


def test_loads_the_snapshot_then_follows_the_stream(
    redis_server: RedisServer, publisher: Publisher, prefix: str
) -> None:
    publisher.publish("session", "sid-before")
    publisher.heartbeat()
    with client_for(redis_server, prefix) as client:
        assert client.wait_ready(10)
        assert client.is_revoked(claims(sid="sid-before"))
        assert not client.is_revoked(claims(sid="sid-other"))
        assert client.snapshot_loads == 1

        publisher.publish("user", "u-after")
        publisher.publish("client-grant", "u-grant", client="app")
        publisher.publish("token", "jti-after")
        publisher.publish("client", "old-app")
        wait_until(lambda: client.is_revoked(claims(sub="u-after")), what="the stream entry is applied")
        wait_until(lambda: client.live_revocations == 5, what="every kind applied")
        assert client.is_revoked(claims(sub="u-grant", azp="app"))
        assert not client.is_revoked(claims(sub="u-grant", azp="other-app"))
        assert client.is_revoked(claims(jti="jti-after"))
        assert client.is_revoked(claims(azp="old-app", sub="anyone"))
        assert not client.is_revoked(claims(sub="u-after", iat=int(time.time()) + 10)), "issued after the revocation"

        publisher.heartbeat()
        wait_until(lambda: not client.is_stale(), what="a heartbeat at the reader's position")
        health = client.health()
        assert health.ready and health.connected and not health.stale and not health.outdated
        assert health.staleness_seconds is not None and health.staleness_seconds < 5
        assert health.live_revocations == 5
        assert health.skipped_entries == 0


def test_is_stale_without_a_heartbeat_and_fail_closed_rejects(
    redis_server: RedisServer, publisher: Publisher, prefix: str
) -> None:
    with client_for(redis_server, prefix, fail_closed=True, stale_after=1) as client:
        assert client.is_revoked(claims(sub="anyone")), "fail-closed before the first snapshot"
        assert client.wait_ready(10)
        assert client.is_stale() and client.staleness() is None
        assert client.is_revoked(claims(sub="anyone")), "no heartbeat yet: stale"
        publisher.heartbeat()
        wait_until(lambda: not client.is_revoked(claims(sub="anyone")), what="fresh after a heartbeat")
        # Keycloak stops writing heartbeats: the feed goes stale although Redis answers.
        wait_until(client.is_stale, timeout=5, what="stale once the heartbeat is older than stale_after")
        assert client.is_revoked(claims(sub="anyone"))
        assert client.health().connected


def test_a_later_contract_revision_shows_as_outdated(
    redis_server: RedisServer, publisher: Publisher, prefix: str
) -> None:
    publisher.heartbeat(rev=3)
    with client_for(redis_server, prefix) as client:
        assert client.wait_ready(10)
        wait_until(lambda: client.health().outdated, what="outdated")


def test_skips_and_counts_entries_it_cannot_apply(
    redis_server: RedisServer, publisher: Publisher, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    r = publisher.r
    r.hset(publisher.key("records"), "bad", "not json")
    with client_for(redis_server, prefix) as client, caplog.at_level(logging.WARNING, "keycloak_guard"):
        assert client.wait_ready(10)
        r.xadd(
            publisher.key("stream"),
            {
                "v": "1",
                "id": "x",
                "realm": "test",
                "kind": "realm",
                "subject": "test",
                "client": "",
                "time": "1",
                "exp": str(int(time.time()) + 60),
                "reason": "from a newer publisher",
            },
        )
        publisher.publish("session", "sid-after-bad")
        wait_until(lambda: client.is_revoked(claims(sid="sid-after-bad")), what="the entry after the bad one")
        assert client.skipped == 2
        assert "skipped stream entry" in caplog.text


def test_resumes_after_redis_restarts_and_sees_what_was_republished(own_redis: RedisServer, prefix: str) -> None:
    publisher = Publisher(own_redis.client(), prefix, "test")
    publisher.publish("session", "sid-1")
    publisher.heartbeat()
    with client_for(own_redis, prefix) as client:
        assert client.wait_ready(10)
        wait_until(lambda: client.health().connected, what="connected")

        own_redis.stop()
        wait_until(lambda: not client.health().connected, what="the follower notices Redis is gone")
        assert client.is_revoked(claims(sid="sid-1")), "answers from memory while Redis is away"
        assert client.health().last_error is not None

        own_redis.start()  # empty: this Redis keeps nothing on disk
        publisher = Publisher(own_redis.client(), prefix, "test")
        publisher.publish("session", "sid-2")  # what Keycloak delivers or republishes once Redis is back
        wait_until(lambda: client.is_revoked(claims(sid="sid-2")), timeout=5, what="entries after the restart")
        assert client.is_revoked(claims(sid="sid-1")), "keeps what it knew"
        wait_until(lambda: client.health().connected, what="connected again")
        assert client.health().reconnects == 1
        publisher.heartbeat()
        wait_until(lambda: not client.is_stale(), what="fresh again")


def test_reloads_the_snapshot_when_the_stream_was_trimmed_past_it(own_redis: RedisServer, prefix: str) -> None:
    admin = own_redis.client()
    admin.acl_setuser("reader", enabled=True, nopass=True, commands=["+@all"], keys=["*"])
    publisher = Publisher(admin, prefix, "test", max_len=10)
    publisher.publish("session", "sid-0")
    url = own_redis.url.replace("redis://", "redis://reader:x@")
    with RevocationClient(redis_url=url, realm="test", key_prefix=prefix, poll_block=0.2) as client:
        assert client.wait_ready(10)
        wait_until(lambda: client.is_revoked(claims(sid="sid-0")), what="loaded")
        # The reader is shut out for a while; meanwhile more revocations than the stream keeps are published.
        admin.acl_setuser("reader", enabled=False)
        admin.client_kill_filter(user="reader")
        wait_until(lambda: not client.health().connected, what="the reader is cut off")
        for i in range(1, 201):
            publisher.publish("session", f"sid-{i}")
        admin.xtrim(publisher.key("stream"), maxlen=5, approximate=False)
        admin.acl_setuser("reader", enabled=True, nopass=True, commands=["+@all"], keys=["*"])
        wait_until(
            lambda: all(client.is_revoked(claims(sid=f"sid-{i}")) for i in range(201)),
            timeout=10,
            what="every revocation, the trimmed ones from the reloaded snapshot",
        )
        assert client.snapshot_loads == 2


def test_drops_records_once_they_expire(redis_server: RedisServer, publisher: Publisher, prefix: str) -> None:
    now = int(time.time())
    publisher.publish("session", "sid-short", exp=now + 1)
    publisher.publish("session", "sid-long", exp=now + 600)
    with client_for(redis_server, prefix) as client:
        assert client.wait_ready(10)
        wait_until(
            lambda: client.live_revocations == 2 or not client.is_revoked(claims(sid="sid-short")), what="loaded"
        )
        wait_until(lambda: not client.is_revoked(claims(sid="sid-short")), timeout=5, what="pruned after its exp")
        assert client.is_revoked(claims(sid="sid-long"))
        assert client.live_revocations == 1


def test_not_ready_while_redis_is_down_at_start_then_ready(own_redis: RedisServer, prefix: str) -> None:
    own_redis.stop()
    with client_for(own_redis, prefix) as client:
        assert not client.wait_ready(0.5)
        assert not client.ready and not client.health().connected
        own_redis.start()
        assert client.wait_ready(5)


def test_stop_returns_promptly(redis_server: RedisServer, prefix: str) -> None:
    client = client_for(redis_server, prefix, poll_block=1.0).start()
    assert client.wait_ready(10)
    started = time.monotonic()
    client.stop()
    assert time.monotonic() - started < 5
    assert client._thread is not None and not client._thread.is_alive()


@pytest.mark.anyio
async def test_wait_ready_async_does_not_block_the_loop(redis_server: RedisServer, prefix: str) -> None:
    with client_for(redis_server, prefix) as client:
        assert await client.wait_ready_async(10)


def test_configuration_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="realm"):
        RevocationClient(realm="", redis_url="redis://localhost")
    with pytest.raises(ValueError, match="exactly one"):
        RevocationClient(realm="r")
    with pytest.raises(ValueError, match="stale_after"):
        RevocationClient(realm="r", redis_url="redis://localhost", stale_after=0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_client_started_before_a_fork_is_not_ready_in_the_child(redis_server: RedisServer, prefix: str) -> None:
    with client_for(redis_server, prefix) as client:
        assert client.wait_ready(10)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: no follower thread here, so no answers from a frozen copy
            health = client.health()
            os.write(write, f"{client.ready} {health.connected} {health.last_error}".encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as out:
            child = out.read()
        os.waitpid(pid, 0)
        assert child.startswith("False False started before this process forked"), child
        assert client.ready, "the parent is unaffected"
