package io.keycloakguard.core.outbox;

import io.keycloakguard.core.config.OptionReader;

import java.time.Duration;

/** Options of {@code --spi-guard-outbox--default--…}. */
record OutboxSettings(Duration drainInterval, int batchSize, Duration claimTimeout, Duration maxBackoff) {

    static OutboxSettings parse(OptionReader options) {
        return new OutboxSettings(
                options.duration("drain-interval", Duration.ofSeconds(1), Duration.ofMillis(50)),
                options.integer("batch-size", 200, 1, 10_000),
                options.duration("claim-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1)),
                options.duration("max-backoff", Duration.ofSeconds(30), Duration.ofMillis(50)));
    }
}
