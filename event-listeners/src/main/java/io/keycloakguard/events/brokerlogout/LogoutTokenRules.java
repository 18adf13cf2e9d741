package io.keycloakguard.events.brokerlogout;

import java.time.Duration;
import java.util.Optional;

/**
 * What the broker back-channel logout asks of a logout token beyond Keycloak's own checks (signature, issuer,
 * audience, events, no nonce), so that a token that leaked (a log, a proxy) cannot be used again later: an
 * expiry ({@code exp}), an issue time ({@code iat}) no older than {@code max-token-age}, and an id ({@code jti})
 * that is remembered until the token could no longer be accepted anyway. Times in epoch seconds.
 */
record LogoutTokenRules(Duration maxAge) {

    /** Why the token is refused, or empty when it may be used (once). */
    Optional<String> refusal(Long exp, Long iat, String jti, long now, int clockSkewSeconds) {
        if (jti == null || jti.isBlank()) {
            return Optional.of("The logout token has no jti: a token without an id cannot be protected against replay");
        }
        if (exp == null) {
            return Optional.of("The logout token has no exp: tokens without an expiry are refused");
        }
        if (iat == null) {
            return Optional.of("The logout token has no iat");
        }
        if (now > exp + clockSkewSeconds) {
            return Optional.of("The logout token has expired");
        }
        if (now > iat + maxAge.toSeconds() + clockSkewSeconds) {
            return Optional.of("The logout token was issued more than " + maxAge.toSeconds()
                    + " seconds ago (max-token-age)");
        }
        if (iat > now + clockSkewSeconds) {
            return Optional.of("The logout token was issued in the future");
        }
        return Optional.empty();
    }

    /**
     * How long the token's id must be remembered: until the token fails {@link #refusal} by its exp or age,
     * whichever comes first; at least one second.
     */
    long replayWindowSeconds(long exp, long iat, long now, int clockSkewSeconds) {
        long acceptedUntil = Math.min(exp, iat + maxAge.toSeconds()) + clockSkewSeconds;
        return Math.max(1, acceptedUntil - now + 1);
    }
}
