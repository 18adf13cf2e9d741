package io.keycloakguard.spring.boot;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * The settings in effect: each {@code keycloak-guard.revocation.*} property where it is set (in any of Boot's
 * property sources), else the cross-language {@code KEYCLOAK_GUARD_*} variable, else the default.
 */
public record RevocationSettings(String redisUrl, String keyPrefix, String realm, Duration staleAfter,
                                 boolean failClosed, Duration readyTimeout, boolean acceptSenderConstrained) {

    static final String ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    static final String ENV_PREFIX = "KEYCLOAK_GUARD_";

    public RevocationSettings {
        if (redisUrl == null || redisUrl.isBlank()) {
            throw new IllegalStateException("Keycloak Guard: " + KeycloakGuardRevocationProperties.PREFIX
                    + ".redis-url is required (or KEYCLOAK_GUARD_REDIS_URL), e.g. redis://redis:6379");
        }
        if (realm == null || realm.isBlank()) {
            throw new IllegalStateException("Keycloak Guard: " + KeycloakGuardRevocationProperties.PREFIX
                    + ".realm is required (or KEYCLOAK_GUARD_REALM), unless " + ISSUER_URI
                    + " names the realm (https://sso.example.com/realms/{realm})");
        }
        if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalStateException("Keycloak Guard: " + KeycloakGuardRevocationProperties.PREFIX
                    + ".stale-after must be positive, not " + staleAfter);
        }
        if (readyTimeout == null || readyTimeout.isNegative()) {
            throw new IllegalStateException("Keycloak Guard: " + KeycloakGuardRevocationProperties.PREFIX
                    + ".ready-timeout must not be negative, not " + readyTimeout);
        }
    }

    public static RevocationSettings resolve(KeycloakGuardRevocationProperties properties, Environment environment) {
        Fallback fallback = new Fallback(environment);
        String realm = fallback.pick("realm", properties.getRealm(), "REALM", Function.identity());
        if (realm == null) {
            String issuer = environment.getProperty(ISSUER_URI, environment.getProperty(ENV_PREFIX + "ISSUER"));
            realm = realmOf(issuer);
        }
        return new RevocationSettings(
                fallback.pick("redis-url", properties.getRedisUrl(), "REDIS_URL", Function.identity()),
                fallback.pick("key-prefix", properties.getKeyPrefix(), "KEY_PREFIX", Function.identity()),
                realm,
                fallback.pick("stale-after", properties.getStaleAfter(), "STALE_AFTER", RevocationSettings::seconds),
                fallback.pick("fail-closed", properties.isFailClosed(), "FAIL_CLOSED", RevocationSettings::bool),
                fallback.pick("ready-timeout", properties.getReadyTimeout(), "READY_TIMEOUT", RevocationSettings::seconds),
                fallback.pick("accept-sender-constrained", properties.isAcceptSenderConstrained(),
                        "ACCEPT_SENDER_CONSTRAINED", RevocationSettings::bool));
    }

    /** The realm of a Keycloak issuer URL ({@code .../realms/{realm}}), or null. */
    static String realmOf(String issuer) {
        if (issuer == null) {
            return null;
        }
        String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        int at = trimmed.lastIndexOf("/realms/");
        if (at < 0 || at + 8 >= trimmed.length() || trimmed.indexOf('/', at + 8) >= 0) {
            return null;
        }
        return trimmed.substring(at + 8);
    }

    private record Fallback(Environment environment) {
        <T> T pick(String property, T bound, String variable, Function<String, T> parse) {
            // Set anywhere under any of Boot's relaxed names (KEYCLOAK_GUARD_REVOCATION_REDIS_URL included)?
            if (Binder.get(environment).bind(KeycloakGuardRevocationProperties.PREFIX + "." + property,
                    Bindable.of(String.class)).isBound()) {
                return bound;
            }
            String value = environment.getProperty(ENV_PREFIX + variable);
            if (value == null || value.isBlank()) {
                return bound;
            }
            try {
                return parse.apply(value.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Keycloak Guard: " + ENV_PREFIX + variable + "=" + value
                        + " is not valid: " + e.getMessage(), e);
            }
        }
    }

    /** Seconds, fractions allowed, as the other languages read their *_AFTER and *_TIMEOUT variables. */
    static Duration seconds(String value) {
        double seconds = Double.parseDouble(value);
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("not a number of seconds");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }
}
