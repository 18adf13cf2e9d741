package io.keycloakguard.it.notify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An HS512 key the test knows, installed as the realm's top-priority HMAC key, so the test can sign action
 * tokens as the realm does (Keycloak signs its internal tokens, action tokens among them, with HS512) and
 * make expired or forged ones.
 */
final class RealmSigningKey {

    final String kid = "test-" + UUID.randomUUID();
    final byte[] secret = randomSecret();

    /** Adds the key to the realm as a key provider with the highest priority. */
    static RealmSigningKey installIn(NotifyRealm realm) {
        RealmSigningKey key = new RealmSigningKey();
        realm.env.admin().request().body(Map.of(
                        "name", "test-hmac",
                        "providerId", "hmac-generated",
                        "providerType", "org.keycloak.keys.KeyProvider",
                        "parentId", realm.id(),
                        "config", Map.of(
                                "priority", List.of("1000"),
                                "enabled", List.of("true"),
                                "active", List.of("true"),
                                "algorithm", List.of("HS512"),
                                "secretSize", List.of(String.valueOf(key.secret.length)),
                                "secret", List.of(Base64.getUrlEncoder().withoutPadding().encodeToString(key.secret)),
                                "kid", List.of(key.kid))))
                .post("/admin/realms/{realm}/components", realm.name).then().statusCode(201);
        return key;
    }

    /** A "this wasn't me" token as Keycloak would issue it, expiring at {@code exp}. */
    String notMeToken(NotifyRealm realm, String userId, Date exp) {
        return sign(claims(realm, userId, "guard-not-me", exp), kid, secret);
    }

    static JWTClaimsSet claims(NotifyRealm realm, String userId, String type, Date exp) {
        String issuer = realm.baseUrl() + "/realms/" + realm.name;
        return new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .issueTime(new Date())
                .expirationTime(exp)
                .issuer(issuer)
                .audience(issuer)
                .subject(userId)
                .claim("typ", type)
                .claim("nonce", UUID.randomUUID().toString())
                .build();
    }

    static String sign(JWTClaimsSet claims, String kid, byte[] secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS512).keyID(kid)
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomSecret() {
        byte[] b = new byte[64];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static String link(NotifyRealm realm, String key) {
        return realm.baseUrl() + "/realms/" + realm.name + "/login-actions/action-token?key=" + key;
    }
}
