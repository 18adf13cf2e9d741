package io.keycloakguard.core.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Outbox metrics on Keycloak's registry (management {@code /metrics}), per topic:
 * {@code keycloak_guard_outbox_written_total}, {@code keycloak_guard_outbox_delivered_total},
 * {@code keycloak_guard_outbox_pending} and {@code keycloak_guard_outbox_oldest_pending_age_seconds}.
 */
final class OutboxMetrics {

    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> oldestAge = new ConcurrentHashMap<>();

    void written(String topic, int count) {
        Counter.builder("keycloak.guard.outbox.written").tag("topic", topic)
                .description("Outbox records committed").register(Metrics.globalRegistry).increment(count);
    }

    void delivered(String topic, int count) {
        Counter.builder("keycloak.guard.outbox.delivered").tag("topic", topic)
                .description("Outbox records their sink confirmed").register(Metrics.globalRegistry).increment(count);
    }

    /** Exports the gauges of every topic at 0 from the start, not only once a record waits. */
    void topics(Iterable<String> topics) {
        topics.forEach(topic -> {
            gauge(pending, "keycloak.guard.outbox.pending", topic, "Outbox records waiting for delivery");
            gauge(oldestAge, "keycloak.guard.outbox.oldest.pending.age.seconds", topic,
                    "Age of the oldest undelivered outbox record");
        });
    }

    /** The whole table's backlog, as the drainer last saw it; topics without rows read 0. */
    void backlog(Map<String, OutboxBacklog.Topic> byTopic) {
        pending.forEach((topic, value) -> value.set(0));
        oldestAge.forEach((topic, value) -> value.set(0));
        byTopic.forEach((topic, backlog) -> {
            gauge(pending, "keycloak.guard.outbox.pending", topic, "Outbox records waiting for delivery")
                    .set(backlog.pending());
            gauge(oldestAge, "keycloak.guard.outbox.oldest.pending.age.seconds", topic,
                    "Age of the oldest undelivered outbox record").set(backlog.oldestAgeSeconds());
        });
    }

    private static AtomicLong gauge(Map<String, AtomicLong> values, String name, String topic, String description) {
        return values.computeIfAbsent(topic, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).tag("topic", t).description(description)
                    .register(Metrics.globalRegistry);
            return value;
        });
    }
}
