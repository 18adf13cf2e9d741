package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.RevocationClient;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The checks Keycloak Guard adds to a resource server's JWT validation, after the signature, issuer, audience and
 * timestamps that Spring Security checks: the token is a Keycloak access token ({@code typ} Bearer; ID and refresh
 * tokens are refused), not sender-constrained unless the application validates the binding ({@code cnf}), and not
 * revoked according to the revocation feed. Until the feed's first snapshot has loaded, and while the feed is stale
 * when failing closed, every token is refused: nothing vouches for it.
 *
 * <p>Spring Boot adds this bean to the {@code JwtDecoder} it configures (servlet and reactive). An application that
 * defines its own {@code JwtDecoder} bean wraps it: {@code return validator.wrap(myDecoder);}.
 */
public final class RevocationTokenValidator implements OAuth2TokenValidator<Jwt> {

    /** The {@code typ} claim of a Keycloak access token. */
    public static final String ACCESS_TOKEN_TYPE = "Bearer";
    /** The {@code typ} claim of a DPoP-bound Keycloak access token. */
    public static final String DPOP_ACCESS_TOKEN_TYPE = "DPoP";

    /** Why a token was refused; the reasons are also the tag values of the rejection meter. */
    public enum Rejection {
        REVOKED("token revoked"),
        NOT_LOADED("revocation feed not loaded yet"),
        STALE("revocation feed stale (fail-closed)"),
        NOT_AN_ACCESS_TOKEN("not an access token"),
        SENDER_CONSTRAINED("sender-constrained token (cnf) presented as a bearer token"),
        MISSING_CLAIM("required claim missing");

        private final String description;

        Rejection(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final List<String> REQUIRED_CLAIMS = List.of("sub", "iat", "exp");

    private final RevocationClient revocations;
    private final boolean failClosed;
    private final boolean acceptSenderConstrained;
    private final Map<Rejection, LongAdder> rejections = new EnumMap<>(Rejection.class);

    public RevocationTokenValidator(RevocationClient revocations, boolean failClosed, boolean acceptSenderConstrained) {
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.failClosed = failClosed;
        this.acceptSenderConstrained = acceptSenderConstrained;
        for (Rejection r : Rejection.values()) {
            rejections.put(r, new LongAdder());
        }
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        Object typ = jwt.getClaims().get("typ");
        if (!ACCESS_TOKEN_TYPE.equals(typ) && !(acceptSenderConstrained && DPOP_ACCESS_TOKEN_TYPE.equals(typ))) {
            return reject(Rejection.NOT_AN_ACCESS_TOKEN, ": typ is " + typ);
        }
        if (!acceptSenderConstrained && jwt.hasClaim("cnf")) {
            return reject(Rejection.SENDER_CONSTRAINED, "");
        }
        for (String claim : REQUIRED_CLAIMS) {
            if (!jwt.hasClaim(claim)) {
                return reject(Rejection.MISSING_CLAIM, ": " + claim);
            }
        }
        if (!revocations.isReady()) {
            return reject(Rejection.NOT_LOADED, "");
        }
        if (failClosed && revocations.isStale()) {
            return reject(Rejection.STALE, "");
        }
        // Spring turns iat into an Instant: pass the fields, so a token's issue time is compared as Keycloak wrote it.
        Instant iat = jwt.getIssuedAt();
        if (revocations.isRevoked(jwt.getId(), jwt.getClaimAsString("sid"), jwt.getSubject(),
                jwt.getClaimAsString("azp"), iat == null ? Long.MIN_VALUE : iat.getEpochSecond())) {
            return reject(Rejection.REVOKED, "");
        }
        return OAuth2TokenValidatorResult.success();
    }

    private OAuth2TokenValidatorResult reject(Rejection rejection, String detail) {
        rejections.get(rejection).increment();
        return OAuth2TokenValidatorResult.failure(
                new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, rejection.description() + detail, null));
    }

    /** Tokens refused for this reason since start. */
    public long rejected(Rejection rejection) {
        return rejections.get(rejection).sum();
    }

    public RevocationClient revocations() {
        return revocations;
    }

    public boolean failClosed() {
        return failClosed;
    }

    /**
     * For an application that defines its own {@code JwtDecoder} bean (which Spring Boot then does not configure):
     * a decoder that decodes with {@code decoder} (signature, issuer, audience, timestamps as the application set
     * them up) and then applies these checks.
     */
    public JwtDecoder wrap(JwtDecoder decoder) {
        return new CheckingJwtDecoder(Objects.requireNonNull(decoder, "decoder"), this);
    }

    /** A decoder made by {@link #wrap}. */
    public static final class CheckingJwtDecoder implements JwtDecoder {
        private final JwtDecoder delegate;
        private final RevocationTokenValidator validator;

        private CheckingJwtDecoder(JwtDecoder delegate, RevocationTokenValidator validator) {
            this.delegate = delegate;
            this.validator = validator;
        }

        @Override
        public Jwt decode(String token) {
            Jwt jwt = delegate.decode(token);
            OAuth2TokenValidatorResult result = validator.validate(jwt);
            if (result.hasErrors()) {
                OAuth2Error first = result.getErrors().iterator().next();
                throw new JwtValidationException(first.getDescription(), result.getErrors());
            }
            return jwt;
        }
    }
}
