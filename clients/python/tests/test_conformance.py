"""Every conformance case of the revocation contract (revocation-contract/conformance, see its README), run against
the state the follower keeps, exactly as the Java client's ConformanceTest runs them."""

from __future__ import annotations

from typing import Any

import pytest

from keycloak_guard._contract import Heartbeat
from keycloak_guard._state import FeedState

from .support import CONFORMANCE, iterate_cases

CASES = list(iterate_cases())


def test_the_whole_suite_is_there() -> None:
    assert len(CASES) >= 25, f"expected the whole suite, found {len(CASES)} cases in {CONFORMANCE}"


@pytest.mark.parametrize(("name", "case"), CASES, ids=[name for name, _ in CASES])
def test_case(name: str, case: dict[str, Any]) -> None:
    state = FeedState()
    stale_after = int(case["options"]["stale_after_ms"])
    for i, step in enumerate(case["steps"]):
        where = f"{name}, step {i} {step}"
        assert len(step) == 1, f"a step has exactly one key: {where}"
        if "snapshot" in step:
            s = step["snapshot"]
            state.load_snapshot(
                s["stream_end"],
                list(_strings(s["records"]).values()),
                int(s["now"]),
                bool(s.get("position_reset", False)),
            )
        elif "entry" in step:
            e = step["entry"]
            state.apply_entry(e["id"], _strings(e["fields"]))
        elif "heartbeat" in step:
            state.observe_heartbeat(Heartbeat.from_fields(_strings(step["heartbeat"])))
        elif "check" in step:
            k = step["check"]
            now = int(k["now_ms"])
            state.remove_expired(now // 1000)
            revoked = (bool(k.get("fail_closed", False)) and state.is_stale(now, stale_after)) or state.is_revoked(
                {key: value for key, value in k["claims"].items() if value is not None}
            )
            assert revoked == k["revoked"], f"{k['why']} — {where}"
        elif "expect" in step:
            x = step["expect"]
            now = int(x["now_ms"])
            state.remove_expired(now // 1000)
            if "stale" in x:
                assert state.is_stale(now, stale_after) == x["stale"], f"stale — {where}"
            if "staleness_ms" in x:
                assert state.staleness_ms(now) == x["staleness_ms"], f"staleness — {where}"
            if "skipped" in x:
                assert state.skipped == x["skipped"], f"skipped — {where}"
            if "live" in x:
                assert state.live_count == x["live"], f"live — {where}"
            if "last_applied" in x:
                assert state.last_applied == x["last_applied"], f"last applied — {where}"
            if "outdated" in x:
                assert state.outdated == x["outdated"], f"outdated — {where}"
        else:
            pytest.fail(f"unknown step {where}")


def _strings(values: dict[str, Any]) -> dict[str, str]:
    # As Redis returns them: every value a string (the JSON files may hold numbers where a publisher wrote text).
    return {k: (v if isinstance(v, str) else str(v)) for k, v in values.items() if v is not None}
