package io.keycloakguard.authenticators.ratelimit;

import org.junit.jupiter.api.Test;
import org.keycloak.events.EventType;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountedFailuresTest {

    @Test
    void wrongCredentialsAndUnknownUsersCount() {
        assertTrue(CountedFailures.counts(EventType.LOGIN_ERROR, "invalid_user_credentials"));
        assertTrue(CountedFailures.counts(EventType.LOGIN_ERROR, "user_not_found"));
        assertTrue(CountedFailures.counts(EventType.LOGIN_ERROR, "user_disabled"));
        assertTrue(CountedFailures.counts(EventType.LOGIN_ERROR, "user_temporarily_disabled"));
    }

    @Test
    void thePacksOwnRefusalsAndOtherErrorsDoNot() {
        assertFalse(CountedFailures.counts(EventType.LOGIN_ERROR, IpRateLimiter.ERROR_RATE_LIMITED));
        assertFalse(CountedFailures.counts(EventType.LOGIN_ERROR, IpRateLimiter.ERROR_UNAVAILABLE));
        assertFalse(CountedFailures.counts(EventType.LOGIN_ERROR, IpRateLimiter.ERROR_MISCONFIGURED));
        assertFalse(CountedFailures.counts(EventType.LOGIN_ERROR, "guard_session_limit_reached"));
        assertFalse(CountedFailures.counts(EventType.LOGIN_ERROR, "expired_code"));
        assertFalse(CountedFailures.counts(EventType.LOGIN_ERROR, null));
        assertFalse(CountedFailures.counts(EventType.LOGIN, null));
        assertFalse(CountedFailures.counts(EventType.CODE_TO_TOKEN_ERROR, "invalid_user_credentials"));
        assertFalse(CountedFailures.counts(EventType.LOGIN_ERROR, "guard_ip_denied"), "a denial before any password");
    }

    @Test
    void anIpDenialAnsweredAsAWrongPasswordCountsLikeOne() {
        assertTrue(CountedFailures.counts(EventType.LOGIN_ERROR, "guard_ip_denied",
                java.util.Map.of("answered_as", "invalid_user_credentials")));
        assertFalse(CountedFailures.counts(EventType.LOGIN_ERROR, "guard_ip_denied", java.util.Map.of("reason", "realm-deny")));
    }
}
