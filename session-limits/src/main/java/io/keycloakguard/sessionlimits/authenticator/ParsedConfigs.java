package io.keycloakguard.sessionlimits.authenticator;

import io.keycloakguard.core.config.InvalidConfigurationException;
import io.keycloakguard.sessionlimits.config.SessionLimitConfig;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses each authenticator config once per content, checks the names it refers to against the realm,
 * and logs an invalid config once, not at every login.
 */
final class ParsedConfigs {

    private static final Logger LOG = Logger.getLogger(ParsedConfigs.class);

    /** Either a usable config or the problems that make it unusable. */
    record Parsed(SessionLimitConfig config, List<String> problems) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    private record Key(String realmId, String configId, Map<String, String> raw) {
    }

    private final Map<Key, Parsed> cache = new ConcurrentHashMap<>();

    Parsed get(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel model) {
        if (model == null || model.getConfig() == null) {
            return new Parsed(SessionLimitConfig.UNLIMITED, List.of());
        }
        Key key = new Key(realm.getId(), model.getId(), Map.copyOf(model.getConfig()));
        return cache.computeIfAbsent(key, k -> {
            Parsed parsed = parse(session, realm, k.raw());
            if (!parsed.valid()) {
                LOG.warnf("Session limit config '%s' of realm %s is invalid; logins through it are denied until it is fixed: %s",
                        model.getAlias(), realm.getName(), String.join("; ", parsed.problems()));
            }
            if (cache.size() > 1000) {
                cache.clear();
            }
            return parsed;
        });
    }

    /** Parses and checks the config against the realm: every problem, each naming the field and the value. */
    static Parsed parse(KeycloakSession session, RealmModel realm, Map<String, String> raw) {
        SessionLimitConfig config;
        try {
            config = SessionLimitConfig.parse(raw);
        } catch (InvalidConfigurationException e) {
            return new Parsed(null, List.of(e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        config.clientLimits().keySet().stream().filter(clientId -> realm.getClientByClientId(clientId) == null)
                .forEach(clientId -> problems.add("Client limits: no client '" + clientId + "' in realm " + realm.getName()));
        config.roleLimits().keySet().stream().filter(role -> realm.getRole(role) == null)
                .forEach(role -> problems.add("Role limits: no realm role '" + role + "' in realm " + realm.getName()));
        config.groupLimits().keySet().stream()
                .filter(path -> KeycloakModelUtils.findGroupByPath(session, realm, path) == null)
                .forEach(path -> problems.add("Group limits: no group '" + path + "' in realm " + realm.getName()));
        return new Parsed(problems.isEmpty() ? config : null, List.copyOf(problems));
    }
}
