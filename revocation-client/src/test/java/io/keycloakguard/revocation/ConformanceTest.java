package io.keycloakguard.revocation;

import io.keycloakguard.revocation.contract.Heartbeat;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every conformance case of the revocation contract (revocation-contract/conformance, see its README) against
 * {@link FeedState}, the state {@link RevocationClient} keeps. One dynamic test per case.
 */
class ConformanceTest {

    static final Path CASES = Path.of("..", "revocation-contract", "conformance");

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(CASES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JSONArray cases = new JSONObject(Files.readString(file)).getJSONArray("cases");
                for (int i = 0; i < cases.length(); i++) {
                    JSONObject c = cases.getJSONObject(i);
                    tests.add(DynamicTest.dynamicTest(file.getFileName() + ": " + c.getString("name"), () -> run(c)));
                }
            }
        }
        assertTrue(tests.size() >= 25, "expected the whole suite, found " + tests.size() + " cases in " + CASES.toAbsolutePath());
        return tests.stream();
    }

    static void run(JSONObject c) {
        FeedState state = new FeedState();
        long staleAfter = c.getJSONObject("options").getLong("stale_after_ms");
        JSONArray steps = c.getJSONArray("steps");
        for (int i = 0; i < steps.length(); i++) {
            JSONObject step = steps.getJSONObject(i);
            String where = "step " + i + " " + step;
            if (step.has("snapshot")) {
                JSONObject s = step.getJSONObject("snapshot");
                state.loadSnapshot(s.getString("stream_end"), strings(s.getJSONObject("records")).values(), s.getLong("now"),
                        s.optBoolean("position_reset", false));
            } else if (step.has("entry")) {
                JSONObject e = step.getJSONObject("entry");
                state.applyEntry(e.getString("id"), strings(e.getJSONObject("fields")));
            } else if (step.has("heartbeat")) {
                Heartbeat.fromFields(strings(step.getJSONObject("heartbeat"))).ifPresent(state::observeHeartbeat);
            } else if (step.has("check")) {
                JSONObject k = step.getJSONObject("check");
                long now = k.getLong("now_ms");
                state.removeExpired(Math.floorDiv(now, 1000));
                boolean stale = state.stalenessMillis(now) > staleAfter;
                boolean revoked = (k.optBoolean("fail_closed", false) && stale) || state.isRevoked(claims(k.getJSONObject("claims")));
                assertEquals(k.getBoolean("revoked"), revoked, k.getString("why") + " — " + where);
            } else if (step.has("expect")) {
                JSONObject x = step.getJSONObject("expect");
                long now = x.getLong("now_ms");
                state.removeExpired(Math.floorDiv(now, 1000));
                if (x.has("stale")) {
                    assertEquals(x.getBoolean("stale"), state.stalenessMillis(now) > staleAfter, "stale — " + where);
                }
                if (x.has("staleness_ms")) {
                    assertEquals(x.getLong("staleness_ms"), state.stalenessMillis(now), "staleness — " + where);
                }
                if (x.has("skipped")) {
                    assertEquals(x.getLong("skipped"), state.skipped(), "skipped — " + where);
                }
                if (x.has("live")) {
                    assertEquals(x.getInt("live"), state.liveRevocations(), "live — " + where);
                }
                if (x.has("last_applied")) {
                    assertEquals(x.getString("last_applied"), state.lastApplied(), "last applied — " + where);
                }
                if (x.has("outdated")) {
                    assertEquals(x.getBoolean("outdated"), state.outdated(), "outdated — " + where);
                }
            } else {
                assertFalse(true, "unknown step " + step);
            }
        }
    }

    private static Map<String, String> strings(JSONObject o) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String key : o.keySet()) {
            map.put(key, o.isNull(key) ? null : String.valueOf(o.get(key)));
        }
        return map;
    }

    private static Map<String, Object> claims(JSONObject o) {
        Map<String, Object> claims = new HashMap<>();
        for (String key : o.keySet()) {
            if (!o.isNull(key)) {
                claims.put(key, o.get(key));
            }
        }
        return claims;
    }
}
