package io.keycloakguard.revocation.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import io.keycloakguard.revocation.RevocationClient;

/** The decision for one {@code Authorization} header: verified and not revoked, or why not. */
public final class BearerTokenCheck {

    /**
     * ACCEPTED: verified and not revoked. MISSING, INVALID: no token, or one that is not a valid access token.
     * REVOKED: the feed revokes it. STALE: a fail-closed client whose feed is stale (or not loaded) cannot vouch for
     * any token. UNAVAILABLE: a fail-open client whose feed has not loaded yet: it knows no revocation, so it must not
     * answer either way (a resource server answers 503).
     */
    public enum Outcome { ACCEPTED, MISSING, INVALID, REVOKED, STALE, UNAVAILABLE }

    public record Result(Outcome outcome, JWTClaimsSet claims, String reason) {
    }

    private final KeycloakJwtVerifier verifier;
    private final RevocationClient revocations;

    public BearerTokenCheck(KeycloakJwtVerifier verifier, RevocationClient revocations) {
        this.verifier = verifier;
        this.revocations = revocations;
    }

    public Result check(String authorizationHeader) {
        String token = token(authorizationHeader);
        if (token == null) {
            return new Result(Outcome.MISSING, null, "no bearer token");
        }
        JWTClaimsSet claims;
        try {
            claims = verifier.verify(token);
        } catch (KeycloakJwtVerifier.InvalidTokenException e) {
            return new Result(Outcome.INVALID, null, e.getMessage());
        }
        if (revocations.isInFeed(claims.getClaims())) {
            return new Result(Outcome.REVOKED, claims, "token revoked");
        }
        if (revocations.failsClosed() && revocations.isStale()) {
            return new Result(Outcome.STALE, claims, "revocation status unknown (feed stale)");
        }
        if (!revocations.isReady()) {
            return new Result(Outcome.UNAVAILABLE, claims, "revocation feed not loaded yet");
        }
        return new Result(Outcome.ACCEPTED, claims, null);
    }

    /** The token of a {@code Bearer} header; of a {@code DPoP} header only when the app validates bindings itself. */
    private String token(String header) {
        if (header == null) {
            return null;
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        if (verifier.acceptsSenderConstrainedTokens() && header.regionMatches(true, 0, "DPoP ", 0, 5)) {
            return header.substring(5).trim();
        }
        return null;
    }
}
