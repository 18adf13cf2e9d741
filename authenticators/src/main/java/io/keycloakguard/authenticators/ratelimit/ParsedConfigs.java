package io.keycloakguard.authenticators.ratelimit;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.RealmModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses each rate-limit config once per content, for the authenticators and the failure counter alike,
 * and logs an invalid config once, not at every login.
 */
final class ParsedConfigs {

    private static final Logger LOG = Logger.getLogger(ParsedConfigs.class);

    /** Either a usable config or the problems that make it unusable. */
    record Parsed(RateLimitConfig config, List<String> problems) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    private record Key(String realmId, String configId, Map<String, String> raw) {
    }

    private static final Map<Key, Parsed> CACHE = new ConcurrentHashMap<>();

    private ParsedConfigs() {
    }

    /** The config of an execution; one without a config gets the defaults. */
    static Parsed get(RealmModel realm, AuthenticatorConfigModel model) {
        if (model == null || model.getConfig() == null) {
            return new Parsed(RateLimitConfig.DEFAULTS, List.of());
        }
        Key key = new Key(realm.getId(), model.getId(), Map.copyOf(model.getConfig()));
        return CACHE.computeIfAbsent(key, k -> {
            Parsed parsed = parse(k.raw());
            if (!parsed.valid()) {
                LOG.warnf("Per-IP rate limit config '%s' of realm %s is invalid; logins through it are refused until "
                        + "it is fixed: %s", model.getAlias(), realm.getName(), String.join("; ", parsed.problems()));
            }
            if (CACHE.size() > 1000) {
                CACHE.clear();
            }
            return parsed;
        });
    }

    static Parsed parse(Map<String, String> raw) {
        List<String> problems = new ArrayList<>();
        RateLimitConfig config = RateLimitConfig.parse(raw, problems);
        return new Parsed(config, List.copyOf(problems));
    }
}
