package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.RevocationClient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The revocation feed's health in Actuator's terms, for both Boot lines' {@code HealthIndicator}s:
 * <ul>
 *   <li>{@code UP}: loaded and fresh;</li>
 *   <li>{@code OUT_OF_SERVICE}: not loaded yet, or stale while failing closed (every token is refused);</li>
 *   <li>{@code UNKNOWN}: stale while failing open: still serving from what it knew, so the overall status (and the
 *       HTTP status of the health endpoint) stays UP, while the component says it cannot vouch for new
 *       revocations.</li>
 * </ul>
 */
public final class RevocationHealth {

    public static final String UP = "UP";
    public static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";
    public static final String UNKNOWN = "UNKNOWN";

    public record Report(String status, Map<String, Object> details) {
    }

    private RevocationHealth() {
    }

    public static Report of(RevocationClient revocations, RevocationSettings settings) {
        RevocationClient.Health h = revocations.health();
        String status;
        if (!h.ready()) {
            status = OUT_OF_SERVICE;
        } else if (h.stale()) {
            status = settings.failClosed() ? OUT_OF_SERVICE : UNKNOWN;
        } else {
            status = UP;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("realm", settings.realm());
        details.put("ready", h.ready());
        details.put("connected", h.connected());
        details.put("stale", h.stale());
        if (h.staleness() != null) { // none before the first confirmed heartbeat
            details.put("stalenessSeconds", h.staleness().toMillis() / 1000.0);
        }
        details.put("staleAfterSeconds", settings.staleAfter().toMillis() / 1000.0);
        details.put("failClosed", settings.failClosed());
        details.put("liveRevocations", h.liveRevocations());
        details.put("skippedEntries", h.skippedEntries());
        details.put("lastAppliedId", h.lastAppliedId());
        details.put("outdated", h.outdated());
        if (h.lastError() != null) {
            details.put("lastError", h.lastError());
        }
        return new Report(status, details);
    }
}
