package io.keycloakguard.revocation.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.Set;

/**
 * Verifies a Keycloak access token locally: signature against the realm's JWKS (fetched once, cached and
 * refreshed on unknown key ids), issuer, expiry and not-before, and optionally the audience. Revocation is
 * checked separately ({@link io.keycloakguard.revocation.RevocationClient}); {@link RevocationCheckingFilter}
 * does both.
 */
public final class KeycloakJwtVerifier {

    private static final Set<JWSAlgorithm> KEYCLOAK_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    private final DefaultJWTProcessor<SecurityContext> processor;

    /**
     * @param issuer    the realm URL as it appears in the tokens, e.g. {@code https://sso.example.com/realms/app}
     * @param audiences accepted audiences; a token must name one of them. Empty: no audience check.
     */
    public KeycloakJwtVerifier(String issuer, Set<String> audiences) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(URI.create(issuer + "/protocol/openid-connect/certs").toURL())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Not a realm URL: " + issuer, e);
        }
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(KEYCLOAK_ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                audiences.isEmpty() ? null : audiences,
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "iat", "exp"),
                null));
    }

    /**
     * @return the verified claims
     * @throws InvalidTokenException when the token is malformed, badly signed, expired, or for another issuer or audience
     */
    public JWTClaimsSet verify(String token) {
        try {
            return processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new InvalidTokenException(e.getMessage(), e);
        }
    }

    /** Why a token was refused; the message is safe to log (it never contains the token). */
    public static final class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
