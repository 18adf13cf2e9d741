package io.keycloakguard.it.brokerlogout;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.keycloakguard.it.harness.KeycloakAdmin;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * An OIDC identity provider of a realm whose signing key the test holds (registered as the provider's public key,
 * with signature validation on): the test writes logout tokens exactly as that provider would, with or without
 * each claim, old or replayed.
 */
final class SelfSignedIdentityProvider {

    static final String CLIENT_ID = "guard-broker";
    static final String KID = "test-kid";

    final String alias;
    final String issuer;
    private final KeyPair keys;

    private SelfSignedIdentityProvider(String alias, String issuer, KeyPair keys) {
        this.alias = alias;
        this.issuer = issuer;
        this.keys = keys;
    }

    static SelfSignedIdentityProvider create(KeycloakAdmin admin, String realm) {
        KeyPair keys = rsa();
        String alias = "self-signed-" + UUID.randomUUID().toString().substring(0, 6);
        String issuer = "https://idp.invalid/" + alias;
        admin.request().body(Map.of("alias", alias, "providerId", "oidc", "enabled", true,
                        "config", Map.ofEntries(Map.entry("clientId", CLIENT_ID), Map.entry("clientSecret", "unused"),
                                Map.entry("clientAuthMethod", "client_secret_post"),
                                Map.entry("authorizationUrl", "https://idp.invalid/auth"),
                                Map.entry("tokenUrl", "https://idp.invalid/token"), Map.entry("issuer", issuer),
                                Map.entry("validateSignature", "true"), Map.entry("useJwksUrl", "false"),
                                Map.entry("publicKeySignatureVerifier",
                                        Base64.getEncoder().encodeToString(keys.getPublic().getEncoded())),
                                Map.entry("publicKeySignatureVerifierKeyId", KID),
                                Map.entry("backchannelSupported", "true"))))
                .post("/admin/realms/{realm}/identity-provider/instances", realm).then().statusCode(201);
        return new SelfSignedIdentityProvider(alias, issuer, keys);
    }

    /** The claims of a back-channel logout token of this provider, issued now, valid for a minute. */
    JWTClaimsSet.Builder logoutClaims(String subject) {
        long now = System.currentTimeMillis() / 1000;
        return new JWTClaimsSet.Builder().issuer(issuer).audience(CLIENT_ID).subject(subject)
                .jwtID(UUID.randomUUID().toString())
                .claim("iat", now).claim("exp", now + 60)
                .claim("sid", UUID.randomUUID().toString())
                .claim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()));
    }

    String sign(JWTClaimsSet claims) {
        return sign(claims, keys);
    }

    /** Signed with the given key, with this provider's key id in the header. */
    static String sign(JWTClaimsSet claims, KeyPair keys) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KID).build(), claims);
            jwt.sign(new RSASSASigner(keys.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
