package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.redis.RedisSettings;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;
import java.util.function.Function;

/**
 * The per-IP rate limit's server-wide options, under the failure counter's provider
 * ({@code --spi-events-listener--guard-ip-rate-limit--…}): how many addresses a realm may track, and optionally a
 * Redis of the limiter's own, so that attackers' addresses never take memory from the revocation feed.
 *
 * @param maxTrackedAddresses the most subjects (IPv4 addresses, IPv6 networks) tracked per realm
 * @param redis               the limiter's own Redis, or null for the pack's ({@code guard-redis})
 */
record LimiterSettings(int maxTrackedAddresses, RedisSettings redis) {

    static final String MAX_TRACKED_ADDRESSES = "max-tracked-addresses";
    /** Every {@code guard-redis} option, prefixed: {@code redis-url}, {@code redis-mode}, {@code redis-password}, … */
    static final String REDIS_PREFIX = "redis-";
    static final int DEFAULT_MAX_TRACKED_ADDRESSES = 10_000;
    static final String OPTION_PREFIX = "spi-events-listener--" + FailedLoginCounterFactory.ID + "--";

    static final LimiterSettings DEFAULTS = new LimiterSettings(DEFAULT_MAX_TRACKED_ADDRESSES, null);

    /** Parses and checks every option; a bad value stops Keycloak with a message naming it. */
    static LimiterSettings parse(Function<String, String> lookup) {
        OptionReader options = new OptionReader(lookup, key -> OPTION_PREFIX + key);
        int maxTracked = options.integer(MAX_TRACKED_ADDRESSES, DEFAULT_MAX_TRACKED_ADDRESSES, 100, 10_000_000);
        boolean ownRedis = RedisSettings.OPTIONS.stream().anyMatch(key -> lookup.apply(REDIS_PREFIX + key) != null);
        RedisSettings redis = ownRedis
                ? RedisSettings.parse(new OptionReader(key -> lookup.apply(REDIS_PREFIX + key),
                        key -> OPTION_PREFIX + REDIS_PREFIX + key))
                : null;
        return new LimiterSettings(maxTracked, redis);
    }

    static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(MAX_TRACKED_ADDRESSES).type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(String.valueOf(DEFAULT_MAX_TRACKED_ADDRESSES))
                .helpText("Most addresses (IPv4) and networks (IPv6) the per-IP rate limit keeps failures for, per realm. "
                        + "When a new one fails and the realm is at the limit, the one whose last failure is oldest is "
                        + "forgotten, so however many addresses an attacker uses the limiter's memory stays bounded.")
                .add()
                .property().name(REDIS_PREFIX + RedisSettings.URL).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("A Redis of the rate limit's own (redis://host:port), so that failed logins from many "
                        + "addresses can never fill the Redis of the revocation feed. Every guard-redis option works "
                        + "here with the prefix redis- (redis-mode, redis-password, redis-key-prefix, ...). Unset: the "
                        + "pack's Redis.")
                .add()
                .build();
    }
}
