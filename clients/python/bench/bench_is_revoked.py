"""Benchmark (not a test): the cost of ``RevocationClient.is_revoked`` with 100,000 live records.

    python bench/bench_is_revoked.py            # from clients/python, in a venv with the package installed

Loads a snapshot of 100,000 records of every kind into the state the follower keeps (no Redis needed: the check
only reads memory), then times ``is_revoked`` in batches of 1,000 calls and prints the median and p99 per call:
for one token that is not revoked (every lookup misses: the common case, and what the Java JMH bench measures),
for revoked ones, and for 20,000 distinct tokens (colder caches). Goal: median <= 2 us. Times are the thread's
CPU time (time.thread_time_ns), so that a busy machine's scheduling does not count as the check's cost.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import sys
import time
from typing import Any

from keycloak_guard import RevocationClient

LIVE = 100_000
BATCH = 1_000
BATCHES = 300


def records(now: int) -> list[str]:
    kinds = ["session", "session", "session", "user", "token", "client-grant", "client"]
    out = []
    for i in range(LIVE):
        kind = kinds[i % len(kinds)]
        r: dict[str, Any] = {
            "v": 1,
            "id": f"id-{i}",
            "realm": "bench",
            "kind": kind,
            "subject": f"{kind}-{i}",
            "time": now - 10,
            "exp": now + 3600,
            "reason": "bench",
        }
        if kind == "client-grant":
            r["client"] = "app"
        out.append(json.dumps(r))
    return out


def claims(i: int, revoked: bool, now: int) -> dict[str, Any]:
    # What a verified Keycloak access token carries; the ids are those of the records when revoked.
    return {
        "jti": f"token-{i}" if revoked else f"jti-{i}",
        "sid": f"sid-{i}",
        "sub": f"u-{i}",
        "azp": "app",
        "iat": now - 60,
        "exp": now + 300,
        "typ": "Bearer",
    }


def measure(client: RevocationClient, population: list[dict[str, Any]]) -> list[float]:
    per_call = []
    check = client.is_revoked
    for b in range(BATCHES):
        batch = population[(b * BATCH) % len(population) :][:BATCH] or population[:BATCH]
        start = time.thread_time_ns()
        for c in batch:
            check(c)
        per_call.append((time.thread_time_ns() - start) / len(batch) / 1000)
    return per_call


def main() -> None:
    now = int(time.time())
    client = RevocationClient(realm="bench", redis_url="redis://127.0.0.1:1")  # never started: memory only
    client._state.load_snapshot("0-0", records(now), now)
    assert client.live_revocations == LIVE, client.live_revocations
    rng = random.Random(7)
    untouched = [claims(rng.randrange(10**9), False, now) for _ in range(20_000)]
    one = claims(rng.randrange(10**9), False, now)
    session_hit = {**one, "sid": "session-7"}  # i % 7 == 0: a session record
    user_hit = {**one, "sub": "user-3"}  # i % 7 == 3: a user record
    assert client.is_revoked(session_hit)
    assert client.is_revoked(user_hit)
    assert not any(client.is_revoked(c) for c in untouched)
    measure(client, untouched)  # warm up
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), {LIVE:,} live records, "
        f"{BATCHES} batches of {BATCH} calls"
    )
    cases = (
        ("miss, one token (as the Java JMH bench)", [one] * BATCH),
        ("hit session", [session_hit] * BATCH),
        ("hit user", [user_hit] * BATCH),
        ("miss, 20,000 distinct tokens", untouched),
    )
    for name, population in cases:
        t = sorted(measure(client, population))
        print(f"is_revoked {name:42s} median {statistics.median(t):.3f} us  p99 {t[int(len(t) * 0.99) - 1]:.3f} us")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
