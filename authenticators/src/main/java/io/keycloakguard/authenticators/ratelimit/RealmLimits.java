package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.ParsedConfigCache;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the rate-limit executions of one realm need from the failure counter: how long a failure matters
 * (the longest window), how many are worth keeping (the largest limit), and their allow-lists. Invalid
 * configs are left out: they refuse every login anyway.
 */
record RealmLimits(List<RateLimitConfig> configs) {

    static RealmLimits of(RealmModel realm) {
        List<RateLimitConfig> configs = realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .filter(RealmLimits::isRateLimit)
                .map(execution -> IpRateLimitAuthenticatorFactory.CONFIGS.get(realm, execution.getAuthenticatorConfig() == null ? null
                        : realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig())))
                .filter(ParsedConfigCache.Parsed::valid)
                .map(ParsedConfigCache.Parsed::config)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        return new RealmLimits(configs);
    }

    private static boolean isRateLimit(AuthenticationExecutionModel execution) {
        return IpRateLimitAuthenticatorFactory.ID.equals(execution.getAuthenticator())
                || RateLimitedPasswordFormFactory.ID.equals(execution.getAuthenticator());
    }

    /** Whether a failure of this address matters to any config (none when the realm has no rate limit). */
    boolean counts(String address) {
        return !subjects(address).isEmpty();
    }

    /**
     * What a failure of this address is counted against: its subject under each config that counts it (one, unless
     * the realm's configs count IPv6 by different prefixes).
     */
    Set<String> subjects(String address) {
        return configs.stream().filter(c -> !c.allowList().contains(address) && !c.windows().isEmpty())
                .map(c -> ClientKey.subject(address, c.ipv6Prefix())).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    Duration keep() {
        return configs.stream().map(RateLimitConfig::longestWindow).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    int cap() {
        return configs.stream().mapToInt(RateLimitConfig::largestLimit).max().orElse(0);
    }
}
