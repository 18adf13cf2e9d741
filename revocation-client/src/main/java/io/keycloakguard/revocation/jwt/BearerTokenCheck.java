package io.keycloakguard.revocation.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import io.keycloakguard.revocation.RevocationClient;

/** The decision for one {@code Authorization} header: verified and not revoked, or why not. */
public final class BearerTokenCheck {

    public enum Outcome { ACCEPTED, MISSING, INVALID, REVOKED }

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
        if (revocations.isRevoked(claims.getClaims())) {
            return new Result(Outcome.REVOKED, claims, "token revoked");
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
