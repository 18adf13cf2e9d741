package io.keycloakguard.core.outbox;

import java.time.Duration;

/**
 * How long a record whose delivery failed waits before the next attempt: the drain interval doubled per failed
 * attempt, never longer than {@code max}. The exponent stops at 20 so the shift cannot overflow whatever the
 * attempt count; by then every sane interval is past {@code max} anyway.
 */
record Backoff(Duration base, Duration max) {

    static final int MAX_EXPONENT = 20;

    static Backoff of(OutboxSettings settings) {
        return new Backoff(settings.drainInterval(), settings.maxBackoff());
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first failure). */
    long delayMillis(int attempts) {
        int exponent = Math.max(0, Math.min(attempts, MAX_EXPONENT));
        return Math.min(max.toMillis(), base.toMillis() << exponent);
    }
}
