// Every conformance case of the revocation contract (revocation-contract/conformance, format in its README), run
// against FeedState, the state RevocationClient keeps: one test per case. Read from the repository, not copied.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { FeedState, heartbeatFromFields } from "../dist/index.js";

const CASES = process.env.KEYCLOAK_GUARD_CONFORMANCE_DIR
  ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../revocation-contract/conformance");

const quiet = { warn() {}, info() {} };

function strings(o) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? null : String(v)]));
}

function claims(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
}

function run(c) {
  const state = new FeedState(quiet);
  const staleAfter = c.options.stale_after_ms;
  c.steps.forEach((step, i) => {
    const where = `step ${i} ${JSON.stringify(step)}`;
    const [kind] = Object.keys(step);
    const s = step[kind];
    switch (kind) {
      case "snapshot":
        state.loadSnapshot(s.stream_end, Object.values(strings(s.records)), s.now, s.position_reset === true);
        break;
      case "entry":
        state.applyEntry(s.id, strings(s.fields));
        break;
      case "heartbeat":
        state.observeHeartbeat(heartbeatFromFields(strings(s)));
        break;
      case "check": {
        state.removeExpired(Math.floor(s.now_ms / 1000));
        const stale = state.stalenessMs(s.now_ms) > staleAfter;
        const revoked = ((s.fail_closed ?? false) && stale) || state.isRevoked(claims(s.claims));
        assert.equal(revoked, s.revoked, `${s.why} — ${where}`);
        break;
      }
      case "expect": {
        state.removeExpired(Math.floor(s.now_ms / 1000));
        if ("stale" in s) assert.equal(state.stalenessMs(s.now_ms) > staleAfter, s.stale, `stale — ${where}`);
        if ("staleness_ms" in s) assert.equal(state.stalenessMs(s.now_ms), s.staleness_ms, `staleness — ${where}`);
        if ("skipped" in s) assert.equal(state.skipped, s.skipped, `skipped — ${where}`);
        if ("live" in s) assert.equal(state.liveRevocations, s.live, `live — ${where}`);
        if ("last_applied" in s) assert.equal(state.lastApplied, s.last_applied, `last applied — ${where}`);
        if ("outdated" in s) assert.equal(state.outdated, s.outdated, `outdated — ${where}`);
        break;
      }
      default:
        assert.fail(`unknown step ${where}`);
    }
  });
}

const files = readdirSync(CASES).filter((f) => f.endsWith(".json")).sort();
const suites = files.map((file) => [file, JSON.parse(readFileSync(path.join(CASES, file), "utf8")).cases]);
const total = suites.reduce((n, [, cases]) => n + cases.length, 0);

it(`finds the whole conformance suite in ${CASES}`, () => {
  assert.ok(total >= 25, `expected at least 25 cases, found ${total} in ${CASES}`);
});

for (const [file, cases] of suites) {
  describe(file, () => {
    for (const c of cases) {
      it(c.name, () => run(c));
    }
  });
}
