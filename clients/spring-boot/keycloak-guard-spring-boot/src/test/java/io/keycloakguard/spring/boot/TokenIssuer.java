package io.keycloakguard.spring.boot;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/** Signs Keycloak-shaped access tokens with its own RSA key and serves the JWKS, for Boot's JwtDecoder in tests. */
final class TokenIssuer implements AutoCloseable {

    static final String ISSUER = "http://sso.test/realms/";
    static final String AUDIENCE = "my-api";

    private final RSAKey key;
    private final HttpServer server;

    TokenIssuer() {
        try {
            key = new RSAKeyGenerator(2048).keyID("test-key").generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/certs", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
        } catch (IOException | com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/certs";
    }

    /** An access token as Keycloak issues it to client {@code app} for {@code realm}; {@code changes} edits the claims. */
    String token(String realm, Consumer<JWTClaimsSet.Builder> changes) {
        long now = System.currentTimeMillis() / 1000;
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER + realm).audience(List.of(AUDIENCE)).subject(UUID.randomUUID().toString())
                .jwtID(UUID.randomUUID().toString()).issueTime(new Date(now * 1000))
                .expirationTime(new Date((now + 300) * 1000))
                .claim("typ", "Bearer").claim("azp", "app").claim("sid", UUID.randomUUID().toString())
                .claim("scope", "openid profile");
        changes.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    String token(String realm) {
        return token(realm, c -> { });
    }

    static Map<String, Object> claims(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getClaims();
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
