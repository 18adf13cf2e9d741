package io.keycloakguard.events.brokerlogout;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogoutTokenRulesTest {

    private final LogoutTokenRules rules = new LogoutTokenRules(Duration.ofMinutes(5));
    private static final long NOW = 1_800_000_000L;

    @Test
    void aFreshTokenWithExpIatAndJtiPasses() {
        assertTrue(rules.refusal(NOW + 60, NOW - 10, "j-1", NOW, 0).isEmpty());
    }

    @Test
    void tokensWithoutJtiExpOrIatAreRefused() {
        assertTrue(rules.refusal(NOW + 60, NOW, null, NOW, 0).orElseThrow().contains("jti"));
        assertTrue(rules.refusal(NOW + 60, NOW, " ", NOW, 0).orElseThrow().contains("jti"));
        assertTrue(rules.refusal(null, NOW, "j", NOW, 0).orElseThrow().contains("exp"));
        assertTrue(rules.refusal(NOW + 60, null, "j", NOW, 0).orElseThrow().contains("iat"));
    }

    @Test
    void expiredOldAndFutureTokensAreRefusedBeyondTheClockSkew() {
        assertTrue(rules.refusal(NOW - 1, NOW - 30, "j", NOW, 0).orElseThrow().contains("expired"));
        assertTrue(rules.refusal(NOW - 1, NOW - 30, "j", NOW, 5).isEmpty());
        assertTrue(rules.refusal(NOW + 3600, NOW - 301, "j", NOW, 0).orElseThrow().contains("max-token-age"));
        assertTrue(rules.refusal(NOW + 3600, NOW - 300, "j", NOW, 0).isEmpty());
        assertTrue(rules.refusal(NOW + 3600, NOW + 60, "j", NOW, 10).orElseThrow().contains("future"));
    }

    @Test
    void theJtiIsRememberedUntilTheTokenWouldBeRefusedAnyway() {
        assertEquals(61, rules.replayWindowSeconds(NOW + 60, NOW, NOW, 0));
        // A long exp: the age limit ends the token's life first.
        assertEquals(301 + 5, rules.replayWindowSeconds(NOW + 86_400, NOW, NOW, 5));
        assertEquals(1, rules.replayWindowSeconds(NOW - 100, NOW - 400, NOW, 0));
    }
}
