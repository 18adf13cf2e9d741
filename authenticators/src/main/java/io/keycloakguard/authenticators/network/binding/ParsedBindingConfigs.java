package io.keycloakguard.authenticators.network.binding;

import io.keycloakguard.core.config.InvalidConfigurationException;
import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses each executor configuration once per content. A configuration that never went through the save-time
 * check (imported at startup, written by an older version) can still be invalid: it is logged once per realm
 * and content, and the executor then refuses the calls it guards.
 */
final class ParsedBindingConfigs {

    private static final Logger LOG = Logger.getLogger(ParsedBindingConfigs.class);

    /** Either a usable config or why it is not. */
    record Parsed(NetworkBindingConfig config, String problem) {
        boolean valid() {
            return problem == null;
        }
    }

    private record Key(String realmId, Map<String, Object> raw) {
    }

    private final Map<Key, Parsed> cache = new ConcurrentHashMap<>();

    Parsed get(RealmModel realm, NetworkBindingExecutorConfig configuration) {
        Map<String, Object> raw = configuration == null ? Map.of() : new HashMap<>(configuration.getConfigAsMap());
        return cache.computeIfAbsent(new Key(realm.getId(), raw), k -> {
            Parsed parsed;
            try {
                parsed = new Parsed(NetworkBindingConfig.parse(k.raw()), null);
            } catch (InvalidConfigurationException e) {
                parsed = new Parsed(null, e.getMessage());
                LOG.warnf("Executor %s in a client profile of realm %s has an invalid configuration; the refresh and "
                        + "userinfo calls it guards are refused until it is fixed: %s", NetworkBindingExecutorFactory.ID,
                        realm.getName(), e.getMessage());
            }
            if (cache.size() > 1000) {
                cache.clear();
            }
            return parsed;
        });
    }
}
