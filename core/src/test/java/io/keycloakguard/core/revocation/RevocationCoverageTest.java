package io.keycloakguard.core.revocation;

import io.keycloakguard.core.revocation.RevocationCoverage.Known;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RevocationCoverageTest {

    private static final long T = 1_800_000_000L;
    private static final long SKEW = 60;

    @Test
    void raisingTakesEffectAtOnce() {
        Known k = Known.first(300, T * 1000).next(3600, (T + 10) * 1000, SKEW);
        assertEquals(3600, k.effective(T + 10));
    }

    @Test
    void loweringKeepsTheOldLifetimeUntilTokensIssuedUnderItHaveExpired() {
        Known lowered = Known.first(3600, T * 1000).next(300, (T + 10) * 1000, SKEW);
        assertEquals(3600, lowered.effective(T + 10), "a token issued a moment ago lives an hour");
        long until = T + 10 + 3600 + SKEW;
        assertEquals(3600, lowered.effective(until - 1));
        assertEquals(300, lowered.effective(until), "after that, every token was issued under the new lifetime");
    }

    @Test
    void loweringTwiceKeepsTheHighestLifetimeStillInForce() {
        Known k = Known.first(3600, T * 1000).next(900, (T + 10) * 1000, SKEW).next(300, (T + 20) * 1000, SKEW);
        assertEquals(3600, k.effective(T + 20));
    }

    @Test
    void unchangedKeepsAFloorInForce() {
        Known k = Known.first(3600, T * 1000).next(300, (T + 10) * 1000, SKEW).next(300, (T + 40) * 1000, SKEW);
        assertEquals(3600, k.effective(T + 40));
    }
}
