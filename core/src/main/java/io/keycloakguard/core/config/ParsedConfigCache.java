package io.keycloakguard.core.config;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.RealmModel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Parses each authenticator config once per content and logs an invalid one once, not at every login.
 * For authenticators whose config needs nothing but its own text to be checked.
 */
public final class ParsedConfigCache<T> {

    /** Either a usable config or the problem that makes it unusable. */
    public record Parsed<T>(T config, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private record Key(String realmId, String configId, Map<String, String> raw) {
    }

    private static final Logger LOG = Logger.getLogger(ParsedConfigCache.class);

    private final String what;
    private final String consequence;
    private final T defaults;
    private final Function<Map<String, String>, T> parser;
    private final Map<Key, Parsed<T>> cache = new ConcurrentHashMap<>();

    /**
     * @param what        how the log names the provider, e.g. "New-device condition"
     * @param consequence what happens while the config is invalid, for the log
     * @param defaults    the config of an execution without a config
     * @param parser      throws {@link InvalidConfigurationException} for an invalid config
     */
    public ParsedConfigCache(String what, String consequence, T defaults, Function<Map<String, String>, T> parser) {
        this.what = what;
        this.consequence = consequence;
        this.defaults = defaults;
        this.parser = parser;
    }

    public Parsed<T> get(RealmModel realm, AuthenticatorConfigModel model) {
        if (model == null || model.getConfig() == null) {
            return new Parsed<>(defaults, List.of());
        }
        Key key = new Key(realm.getId(), model.getId(), Map.copyOf(model.getConfig()));
        return cache.computeIfAbsent(key, k -> {
            Parsed<T> parsed = parse(k.raw());
            if (!parsed.valid()) {
                LOG.warnf("%s config '%s' of realm %s is invalid; %s until it is fixed: %s", what, model.getAlias(),
                        realm.getName(), consequence, String.join("; ", parsed.problems()));
            }
            if (cache.size() > 1000) {
                cache.clear();
            }
            return parsed;
        });
    }

    /** Parses without caching or logging: for the status endpoint. */
    public Parsed<T> parse(Map<String, String> raw) {
        try {
            return new Parsed<>(parser.apply(raw), List.of());
        } catch (InvalidConfigurationException e) {
            return new Parsed<>(null, List.of(e.getMessage()));
        }
    }
}
