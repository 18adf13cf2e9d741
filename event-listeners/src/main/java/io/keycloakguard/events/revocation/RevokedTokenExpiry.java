package io.keycloakguard.events.revocation;

import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The expiry of the access token an RFC 7009 request revoked, so its record lives exactly as long as the token. The
 * event only names the token's id; the token itself is the request's {@code token} parameter, which Keycloak's
 * revocation endpoint has verified (signature, issuer, client) before it sent the event, so its claims are read
 * here without verifying again — and only trusted when its {@code jti} is the event's.
 */
final class RevokedTokenExpiry {

    private RevokedTokenExpiry() {
    }

    /** Epoch seconds, or 0 when it cannot be told (the caller then uses the realm's longest lifetime). */
    static long of(KeycloakSession session, String tokenId) {
        try {
            HttpRequest request = session.getContext().getHttpRequest();
            List<String> tokens = request == null ? null : request.getDecodedFormParameters().get("token");
            return tokens == null || tokens.size() != 1 ? 0 : expiryIfId(tokens.get(0), tokenId);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static long expiryIfId(String jwt, String tokenId) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return 0;
        }
        try {
            Map<?, ?> claims = JsonSerialization.readValue(Base64.getUrlDecoder().decode(parts[1])
                    , Map.class);
            Object jti = claims.get("jti");
            Object exp = claims.get("exp");
            return tokenId.equals(jti) && exp instanceof Number n ? n.longValue() : 0;
        } catch (IOException | IllegalArgumentException e) {
            return 0;
        }
    }
}
