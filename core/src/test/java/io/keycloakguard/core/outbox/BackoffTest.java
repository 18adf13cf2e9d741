package io.keycloakguard.core.outbox;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void doublesTheIntervalPerFailedAttempt() {
        assertEquals(2_000, backoff.delayMillis(1));
        assertEquals(4_000, backoff.delayMillis(2));
        assertEquals(16_000, backoff.delayMillis(4));
    }

    @Test
    void neverWaitsLongerThanTheMaximum() {
        assertEquals(30_000, backoff.delayMillis(5));
        assertEquals(30_000, backoff.delayMillis(19));
    }

    @Test
    void anyAttemptCountStaysAtTheMaximumWithoutOverflowing() {
        assertEquals(30_000, backoff.delayMillis(63));
        assertEquals(30_000, backoff.delayMillis(Integer.MAX_VALUE));
        Backoff longBase = new Backoff(Duration.ofDays(365), Duration.ofDays(3650));
        assertEquals(Duration.ofDays(3650).toMillis(), longBase.delayMillis(1_000));
    }

    @Test
    void aNonPositiveAttemptCountWaitsTheBaseInterval() {
        assertEquals(1_000, backoff.delayMillis(0));
        assertEquals(1_000, backoff.delayMillis(-3));
    }

    @Test
    void aMaximumBelowTheIntervalWins() {
        assertEquals(500, new Backoff(Duration.ofSeconds(1), Duration.ofMillis(500)).delayMillis(1));
    }
}
