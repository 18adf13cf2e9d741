package io.keycloakguard.events.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audit metrics on Keycloak's registry (management {@code /metrics}): {@code keycloak_guard_audit_chained_total},
 * per sink {@code keycloak_guard_audit_delivered_total}, {@code keycloak_guard_audit_rewritten_total} (lost by the
 * sink after it had them, e.g. in a Redis failover, and written again), {@code keycloak_guard_audit_pending} and
 * {@code keycloak_guard_audit_oldest_pending_age_seconds}, and {@code keycloak_guard_audit_listener_seconds}
 * (time the listener adds to the request, with its 0.5/0.99 quantiles). Records written by the listener are
 * {@code keycloak_guard_outbox_written_total{topic="audit"}}.
 */
final class AuditMetrics {

    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> oldest = new ConcurrentHashMap<>();
    private volatile Timer listener;

    void sinks(List<String> names) {
        names.forEach(n -> backlog(n, 0, 0));
    }

    void chained(int count) {
        Counter.builder("keycloak.guard.audit.chained").description("Audit records given their place in a realm's chain")
                .register(Metrics.globalRegistry).increment(count);
    }

    void delivered(String sink, int count) {
        Counter.builder("keycloak.guard.audit.delivered").tag("sink", sink)
                .description("Audit records a sink received").register(Metrics.globalRegistry).increment(count);
    }

    /** Records a sink had received and then lost (a Redis failover), counted when the shipper writes them again. */
    void rewritten(String sink, long count) {
        Counter.builder("keycloak.guard.audit.rewritten").tag("sink", sink)
                .description("Audit records a sink had received, lost and was given again")
                .register(Metrics.globalRegistry).increment(count);
    }

    void backlog(String sink, long pendingRecords, long oldestAgeSeconds) {
        gauge(pending, "keycloak.guard.audit.pending", sink, "Chained audit records a sink has not received yet")
                .set(pendingRecords);
        gauge(oldest, "keycloak.guard.audit.oldest.pending.age.seconds", sink,
                "Age of the oldest audit record a sink has not received yet").set(oldestAgeSeconds);
    }

    void listenerTime(long nanos) {
        Timer timer = listener;
        if (timer == null) {
            // The buckets let an alert (and the benchmark) tell which share of requests the listener kept under 1 ms
            // in any interval; the published percentiles only cover a decaying window.
            timer = Timer.builder("keycloak.guard.audit.listener").publishPercentiles(0.5, 0.99)
                    .serviceLevelObjectives(Duration.ofNanos(250_000), Duration.ofMillis(1), Duration.ofMillis(5),
                            Duration.ofMillis(25))
                    .description("Time the audit listener adds to the request that sent the event")
                    .register(Metrics.globalRegistry);
            listener = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static AtomicLong gauge(Map<String, AtomicLong> values, String name, String sink, String description) {
        return values.computeIfAbsent(sink, s -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).tag("sink", s).description(description)
                    .register(Metrics.globalRegistry);
            return value;
        });
    }
}
