package io.keycloakguard.core.config;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Parses each authenticator config once per content and logs an invalid one once, not at every login. The parser
 * either reads only the config's text, or also checks the names it refers to (clients, roles, groups) against
 * the realm.
 */
public final class ParsedConfigCache<T> {

    /** Either a usable config or the problems that make it unusable. */
    public record Parsed<T>(T config, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /**
     * Parses a config and checks it against the realm. Adds every problem it finds to {@code problems}, or throws
     * {@link InvalidConfigurationException} for one that stops it; the config is unusable if there is any.
     */
    @FunctionalInterface
    public interface RealmParser<T> {
        T parse(KeycloakSession session, RealmModel realm, Map<String, String> raw, List<String> problems);
    }

    private record Key(String realmId, String configId, Map<String, String> raw) {
    }

    private static final Logger LOG = Logger.getLogger(ParsedConfigCache.class);

    private final String what;
    private final String consequence;
    private final T defaults;
    private final RealmParser<T> parser;
    private final Map<Key, Parsed<T>> cache = new ConcurrentHashMap<>();

    /**
     * For a config that needs nothing but its own text to be checked.
     *
     * @param what        how the log names the provider, e.g. "New-device condition"
     * @param consequence what happens while the config is invalid, for the log
     * @param defaults    the config of an execution without a config
     * @param parser      throws {@link InvalidConfigurationException} for an invalid config
     */
    public ParsedConfigCache(String what, String consequence, T defaults, Function<Map<String, String>, T> parser) {
        this(what, consequence, defaults, (session, realm, raw, problems) -> parser.apply(raw));
    }

    /** For a config whose parser also checks it against the realm; see {@link RealmParser}. */
    public ParsedConfigCache(String what, String consequence, T defaults, RealmParser<T> parser) {
        this.what = what;
        this.consequence = consequence;
        this.defaults = defaults;
        this.parser = parser;
    }

    /** The config of an execution, for a parser that reads only the config's text. */
    public Parsed<T> get(RealmModel realm, AuthenticatorConfigModel model) {
        return get(null, realm, model);
    }

    public Parsed<T> get(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel model) {
        if (model == null || model.getConfig() == null) {
            return new Parsed<>(defaults, List.of());
        }
        Key key = new Key(realm.getId(), model.getId(), Map.copyOf(model.getConfig()));
        return cache.computeIfAbsent(key, k -> {
            Parsed<T> parsed = parse(session, realm, k.raw());
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

    /** Parses without caching or logging, for a parser that reads only the config's text: for the status endpoint. */
    public Parsed<T> parse(Map<String, String> raw) {
        return parse(null, null, raw);
    }

    /** Parses and checks against the realm without caching or logging: for the status endpoint. */
    public Parsed<T> parse(KeycloakSession session, RealmModel realm, Map<String, String> raw) {
        List<String> problems = new ArrayList<>();
        T config;
        try {
            config = parser.parse(session, realm, raw, problems);
        } catch (InvalidConfigurationException e) {
            problems.add(e.getMessage());
            config = null;
        }
        return new Parsed<>(problems.isEmpty() ? config : null, List.copyOf(problems));
    }
}
