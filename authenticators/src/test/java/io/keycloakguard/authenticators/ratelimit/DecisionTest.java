package io.keycloakguard.authenticators.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecisionTest {

    static final Window HOUR = new Window("window", 5, Duration.ofHours(1));
    static final Window MINUTE = new Window("burst", 3, Duration.ofMinutes(1));
    static final long NOW = 1_800_000_000_000L;

    @Test
    void underTheLimitIsAllowed() {
        Decision d = Decision.of(NOW, List.of(new Decision.Count(HOUR, 4, -1), new Decision.Count(MINUTE, 2, -1)));
        assertFalse(d.blocked());
        assertSame(Decision.ALLOWED, d);
    }

    @Test
    void atTheLimitTheAddressWaitsUntilTheReleasingFailureLeavesTheWindow() {
        // 5 failures in the hour, the oldest 10 minutes ago: in 50 minutes only 4 remain.
        long oldest = NOW - Duration.ofMinutes(10).toMillis();
        Decision d = Decision.of(NOW, List.of(new Decision.Count(HOUR, 5, oldest)));
        assertTrue(d.blocked());
        assertEquals(HOUR, d.window());
        assertEquals(5, d.count());
        assertEquals(Duration.ofMinutes(50).toSeconds(), d.retryAfterSeconds());
    }

    @Test
    void partialSecondsRoundUp() {
        long releasing = NOW - Duration.ofHours(1).toMillis() + 1_500;
        assertEquals(2, Decision.of(NOW, List.of(new Decision.Count(HOUR, 5, releasing))).retryAfterSeconds());
        long almostGone = NOW - Duration.ofHours(1).toMillis() + 1;
        assertEquals(1, Decision.of(NOW, List.of(new Decision.Count(HOUR, 5, almostGone))).retryAfterSeconds());
    }

    @Test
    void retryAfterIsNeverZeroNorLongerThanTheWindow() {
        assertEquals(1, Decision.retryAfterSeconds(NOW, new Decision.Count(MINUTE, 3, NOW - 60_000)));
        assertEquals(60, Decision.retryAfterSeconds(NOW, new Decision.Count(MINUTE, 3, NOW + 5_000)));
        // No releasing failure reported (cannot happen within one script): wait a whole window.
        assertEquals(60, Decision.retryAfterSeconds(NOW, new Decision.Count(MINUTE, 3, -1)));
    }

    @Test
    void eitherWindowBlocksOnItsOwn() {
        long burstReleasing = NOW - 20_000;
        Decision burst = Decision.of(NOW, List.of(new Decision.Count(HOUR, 3, -1),
                new Decision.Count(MINUTE, 3, burstReleasing)));
        assertEquals(MINUTE, burst.window());
        assertEquals(40, burst.retryAfterSeconds());

        Decision hour = Decision.of(NOW, List.of(new Decision.Count(HOUR, 5, NOW - Duration.ofMinutes(59).toMillis()),
                new Decision.Count(MINUTE, 1, -1)));
        assertEquals(HOUR, hour.window());
        assertEquals(60, hour.retryAfterSeconds());
    }

    @Test
    void whenBothBlockTheLongerWaitWins() {
        Decision d = Decision.of(NOW, List.of(
                new Decision.Count(HOUR, 7, NOW - Duration.ofMinutes(30).toMillis()),
                new Decision.Count(MINUTE, 4, NOW - 30_000)));
        assertEquals(HOUR, d.window());
        assertEquals(Duration.ofMinutes(30).toSeconds(), d.retryAfterSeconds());
        assertEquals(7, d.count());
    }
}
