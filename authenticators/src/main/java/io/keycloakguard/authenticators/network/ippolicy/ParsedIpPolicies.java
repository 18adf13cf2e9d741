package io.keycloakguard.authenticators.network.ippolicy;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses each authenticator config once per content, checks the clients and groups it names against the
 * realm, and logs an invalid config (or one placed before the user is known) once, not at every login.
 */
final class ParsedIpPolicies {

    private static final Logger LOG = Logger.getLogger(ParsedIpPolicies.class);

    /** Either a usable config or the problems that make it unusable. */
    record Parsed(IpPolicyConfig config, List<String> problems) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    private record Key(String realmId, String configId, Map<String, String> raw) {
    }

    private final Map<Key, Parsed> cache = new ConcurrentHashMap<>();
    private final Set<Key> warnedWithoutUser = ConcurrentHashMap.newKeySet();

    Parsed get(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel model) {
        if (model == null || model.getConfig() == null) {
            return new Parsed(IpPolicyConfig.OPEN, List.of());
        }
        return cache.computeIfAbsent(key(realm, model), k -> {
            Parsed parsed = parse(session, realm, k.raw());
            if (!parsed.valid()) {
                LOG.warnf("IP policy config '%s' of realm %s is invalid; logins through it are denied until it is fixed: %s",
                        model.getAlias(), realm.getName(), String.join("; ", parsed.problems()));
            }
            if (cache.size() > 1000) {
                cache.clear();
            }
            return parsed;
        });
    }

    /** Logs once per config content that its group rules met a login whose user is not known yet. */
    void warnGroupRulesWithoutUser(RealmModel realm, AuthenticatorConfigModel model, String flow) {
        if (warnedWithoutUser.size() > 1000) {
            warnedWithoutUser.clear();
        }
        if (warnedWithoutUser.add(key(realm, model))) {
            LOG.warnf("IP policy config '%s' of realm %s has group rules but runs before the user is known (flow %s); "
                    + "logins through it are denied. Place it after the step that identifies the user.",
                    model.getAlias(), realm.getName(), flow);
        }
    }

    private static Key key(RealmModel realm, AuthenticatorConfigModel model) {
        return new Key(realm.getId(), model.getId(), Map.copyOf(model.getConfig()));
    }

    /** Parses and checks the config against the realm: every problem, each naming the field and the entry. */
    static Parsed parse(KeycloakSession session, RealmModel realm, Map<String, String> raw) {
        IpPolicyConfig.Reading reading = IpPolicyConfig.read(raw);
        IpPolicyConfig config = reading.config();
        List<String> problems = new ArrayList<>(reading.problems());
        config.clientRules().keySet().stream().filter(clientId -> realm.getClientByClientId(clientId) == null)
                .forEach(clientId -> problems.add("Client rules: no client '" + clientId + "' in realm " + realm.getName()));
        config.groupRules().keySet().stream()
                .filter(path -> path.startsWith("/") && KeycloakModelUtils.findGroupByPath(session, realm, path) == null)
                .forEach(path -> problems.add("Group rules: no group '" + path + "' in realm " + realm.getName()));
        return new Parsed(problems.isEmpty() ? config : null, List.copyOf(problems));
    }
}
