package io.keycloakguard.revocation.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Verifies a Keycloak access token locally as Keycloak's own token check does: signature against the realm's JWKS
 * (fetched once, cached, refreshed on an unknown key id at most once per rate-limit interval), asymmetric
 * algorithms only, issuer, {@code typ} = {@code Bearer} (ID and refresh tokens are refused), expiry and not-before
 * (60 s skew), and the audience when one is configured. A sender-constrained token (a {@code cnf} claim: DPoP
 * {@code jkt}, mTLS {@code x5t#S256}) is refused unless the application validates the binding itself and says so
 * with {@link #acceptingSenderConstrainedTokens()}: presented without its proof, such a token is a stolen token.
 * Revocation is checked separately ({@link io.keycloakguard.revocation.RevocationClient});
 * {@link BearerTokenCheck} does both.
 */
public final class KeycloakJwtVerifier {

    private static final Logger LOG = Logger.getLogger(KeycloakJwtVerifier.class.getName());

    private static final Set<JWSAlgorithm> KEYCLOAK_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    /** The {@code typ} claim of a Keycloak access token (ID tokens say {@code ID}, refresh tokens {@code Refresh}). */
    public static final String ACCESS_TOKEN_TYPE = "Bearer";
    /** The {@code typ} claim of a DPoP-bound Keycloak access token. */
    public static final String DPOP_ACCESS_TOKEN_TYPE = "DPoP";

    private final String issuer;
    private final Set<String> audiences;
    private final JWKSource<SecurityContext> keys;
    private final boolean senderConstrainedAccepted;
    private final DefaultJWTProcessor<SecurityContext> processor;

    /**
     * @param issuer    the realm URL as it appears in the tokens, e.g. {@code https://sso.example.com/realms/app}
     * @param audiences accepted audiences; a token must name one of them. Empty: no audience check (then any access
     *                  token of the realm is accepted, whichever client it was issued for: configure one).
     */
    public KeycloakJwtVerifier(String issuer, Set<String> audiences) {
        this(issuer, Set.copyOf(audiences), jwks(issuer), false);
        if (audiences.isEmpty()) {
            LOG.warning("Keycloak Guard: no audience configured for " + issuer + ": access tokens issued to any client "
                    + "of the realm are accepted. Configure the audience your API expects.");
        }
    }

    private KeycloakJwtVerifier(String issuer, Set<String> audiences, JWKSource<SecurityContext> keys,
                                boolean senderConstrainedAccepted) {
        this.issuer = issuer;
        this.audiences = audiences;
        this.keys = keys;
        this.senderConstrainedAccepted = senderConstrainedAccepted;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(KEYCLOAK_ALGORITHMS, keys));
        Set<String> types = senderConstrainedAccepted ? Set.of(ACCESS_TOKEN_TYPE, DPOP_ACCESS_TOKEN_TYPE) : Set.of(ACCESS_TOKEN_TYPE);
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                audiences.isEmpty() ? null : audiences,
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "iat", "exp", "typ"),
                senderConstrainedAccepted ? null : Set.of("cnf")) {
            @Override
            public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
                super.verify(claims, context);
                Object typ = claims.getClaim("typ");
                if (!types.contains(typ)) {
                    throw new BadJWTException("not an access token: typ is " + typ + ", expected " + types);
                }
            }
        });
    }

    /**
     * The same verifier, but accepting tokens with a {@code cnf} claim. Only for an application that validates the
     * binding itself before trusting the token: for DPoP (RFC 9449) the {@code DPoP} proof header's signature, its
     * {@code htm}/{@code htu}/{@code iat}/{@code jti} and {@code ath}, and that the proof key's JWK thumbprint equals
     * {@code cnf.jkt}; for mTLS (RFC 8705) that the client certificate's SHA-256 thumbprint equals {@code cnf.x5t#S256}.
     */
    public KeycloakJwtVerifier acceptingSenderConstrainedTokens() {
        return new KeycloakJwtVerifier(issuer, audiences, keys, true);
    }

    public boolean acceptsSenderConstrainedTokens() {
        return senderConstrainedAccepted;
    }

    private static JWKSource<SecurityContext> jwks(String issuer) {
        try {
            return JWKSourceBuilder.create(URI.create(issuer + "/protocol/openid-connect/certs").toURL())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a realm URL: " + issuer, e);
        }
    }

    /**
     * @return the verified claims
     * @throws InvalidTokenException when the token is malformed, badly signed, expired, not an access token,
     *                               sender-constrained (unless accepted), or for another issuer or audience
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
