package io.keycloakguard.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * {@code keycloak-guard.revocation.*}: the same settings, under the same names, as the Python and Node packages.
 * Each one can also come from the cross-language environment variable named in its description (used when the
 * property itself is not set anywhere). Issuer and audience are Spring Security's own
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} and {@code .audiences}.
 */
@ConfigurationProperties(prefix = KeycloakGuardRevocationProperties.PREFIX)
public class KeycloakGuardRevocationProperties {

    public static final String PREFIX = "keycloak-guard.revocation";

    /**
     * Whether to check access tokens against Keycloak Guard's revocation feed. Without it the starter configures
     * nothing.
     */
    private boolean enabled = true;

    /**
     * The Redis Keycloak Guard writes the revocation feed to, e.g. redis://redis:6379 (rediss:// for TLS; user and
     * password in the URL). Environment variable KEYCLOAK_GUARD_REDIS_URL. Required.
     */
    private String redisUrl;

    /** The pack's key-prefix option. Environment variable KEYCLOAK_GUARD_KEY_PREFIX. */
    private String keyPrefix = "kcguard:";

    /**
     * The realm name. Environment variable KEYCLOAK_GUARD_REALM. Default: the last part of the issuer
     * (spring.security.oauth2.resourceserver.jwt.issuer-uri, or KEYCLOAK_GUARD_ISSUER), .../realms/{realm}.
     */
    private String realm;

    /**
     * The feed counts as stale when the newest confirmed publisher heartbeat is older than this (seconds when no unit
     * is given). Keep it well above the pack's heartbeat-interval (2 s). Environment variable
     * KEYCLOAK_GUARD_STALE_AFTER (seconds).
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration staleAfter = Duration.ofSeconds(10);

    /**
     * Treat every token as revoked while the feed is stale (Redis or Keycloak unreachable for longer than
     * stale-after). Default: keep answering from what the application knew. Environment variable
     * KEYCLOAK_GUARD_FAIL_CLOSED.
     */
    private boolean failClosed;

    /**
     * How long the application's start waits for the first snapshot of the feed before its web server opens (seconds
     * when no unit is given). Tokens are refused until the snapshot has loaded. Environment variable
     * KEYCLOAK_GUARD_READY_TIMEOUT (seconds).
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration readyTimeout = Duration.ofSeconds(10);

    /**
     * Accept sender-constrained tokens (a cnf claim: DPoP or mutual-TLS bound) and typ DPoP. Only for an application
     * that validates the binding itself (the DPoP proof per RFC 9449, or the client certificate per RFC 8705):
     * presented without its proof, such a token is a stolen one. Environment variable
     * KEYCLOAK_GUARD_ACCEPT_SENDER_CONSTRAINED.
     */
    private boolean acceptSenderConstrained;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getRedisUrl() {
        return redisUrl;
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public String getRealm() {
        return realm;
    }

    public void setRealm(String realm) {
        this.realm = realm;
    }

    public Duration getStaleAfter() {
        return staleAfter;
    }

    public void setStaleAfter(Duration staleAfter) {
        this.staleAfter = staleAfter;
    }

    public boolean isFailClosed() {
        return failClosed;
    }

    public void setFailClosed(boolean failClosed) {
        this.failClosed = failClosed;
    }

    public Duration getReadyTimeout() {
        return readyTimeout;
    }

    public void setReadyTimeout(Duration readyTimeout) {
        this.readyTimeout = readyTimeout;
    }

    public boolean isAcceptSenderConstrained() {
        return acceptSenderConstrained;
    }

    public void setAcceptSenderConstrained(boolean acceptSenderConstrained) {
        this.acceptSenderConstrained = acceptSenderConstrained;
    }
}
