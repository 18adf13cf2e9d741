package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.OptionReader;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** The config form both rate-limit authenticators show in the admin console; docs/ip-rate-limit.md uses the same words. */
final class RateLimitProperties {

    static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(RateLimitConfig.MAX_FAILURES).label("Max failures per window")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(String.valueOf(RateLimitConfig.DEFAULT_MAX_FAILURES))
            .helpText("Failed logins one IP address may have within the window. When it has this many, its next "
                    + "login attempts are refused (HTTP 429 with Retry-After) until enough of them are older than "
                    + "the window. Counted across all Keycloak nodes, for the whole realm. Default 100 (Auth0's).")
            .add()
            .property().name(RateLimitConfig.WINDOW).label("Window")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue("24h")
            .helpText("Length of the sliding window for Max failures per window, e.g. 24h, 30m, 90s (at most 720h). "
                    + "0 turns this limit off.")
            .add()
            .property().name(RateLimitConfig.BURST_MAX).label("Burst max")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(String.valueOf(RateLimitConfig.DEFAULT_BURST_MAX))
            .helpText("Failed logins one IP address may have within the burst window: stops a fast attack long "
                    + "before the long window fills. Default 10.")
            .add()
            .property().name(RateLimitConfig.BURST_WINDOW).label("Burst window")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue("1m")
            .helpText("Length of the short sliding window for Burst max, e.g. 1m or 30s. 0 turns the burst limit off.")
            .add()
            .property().name(RateLimitConfig.ALLOW_LIST).label("Allow-list")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("IPv4 or IPv6 addresses or networks (CIDR), e.g. 10.0.0.0/8 or 2001:db8::/32, that are never "
                    + "limited, such as your office's NAT address or a monitoring probe. Their failed logins are not "
                    + "counted. An entry that is not an address or network makes the config invalid.")
            .add()
            .property().name(RateLimitConfig.IPV6_PREFIX).label("IPv6 prefix length")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(String.valueOf(RateLimitConfig.DEFAULT_IPV6_PREFIX))
            .helpText("IPv6 addresses are counted per network of this many leading bits, not per address: a home or "
                    + "server gets a whole /64 and can use a new address in it for every attempt. 64 (the default) "
                    + "counts each /64 once; 128 counts single addresses; at least 32. IPv4 addresses are counted one "
                    + "by one.")
            .add()
            .property().name(RateLimitConfig.ON_REDIS_UNAVAILABLE).label("When Redis is unavailable")
            .type(ProviderConfigProperty.LIST_TYPE).defaultValue(RedisDownAction.ALLOW.label())
            .options(OptionReader.labels(RedisDownAction.class))
            .helpText("Allow logins without the limit: logins go on while Redis cannot be reached (fail open; "
                    + "Keycloak logs one warning per outage). Refuse logins (HTTP 503): logins through this flow are "
                    + "refused with HTTP 503 until Redis is back.")
            .add()
            .build();

    private RateLimitProperties() {
    }
}
