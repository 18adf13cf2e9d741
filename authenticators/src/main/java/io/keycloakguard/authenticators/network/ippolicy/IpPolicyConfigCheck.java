package io.keycloakguard.authenticators.network.ippolicy;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses an IP policy config and checks the clients and groups it names against the realm; logs once per config
 * content that its group rules met a login whose user is not known yet.
 */
final class IpPolicyConfigCheck {

    private static final Logger LOG = Logger.getLogger(IpPolicyConfigCheck.class);

    private record Key(String realmId, String configId, Map<String, String> raw) {
    }

    private final Set<Key> warnedWithoutUser = ConcurrentHashMap.newKeySet();

    static IpPolicyConfig parse(KeycloakSession session, RealmModel realm, Map<String, String> raw, List<String> problems) {
        IpPolicyConfig.Reading reading = IpPolicyConfig.read(raw);
        IpPolicyConfig config = reading.config();
        problems.addAll(reading.problems());
        config.clientRules().keySet().stream().filter(clientId -> realm.getClientByClientId(clientId) == null)
                .forEach(clientId -> problems.add("Client rules: no client '" + clientId + "' in realm " + realm.getName()));
        config.groupRules().keySet().stream()
                .filter(path -> path.startsWith("/") && KeycloakModelUtils.findGroupByPath(session, realm, path) == null)
                .forEach(path -> problems.add("Group rules: no group '" + path + "' in realm " + realm.getName()));
        return config;
    }

    void warnGroupRulesWithoutUser(RealmModel realm, AuthenticatorConfigModel model, String flow) {
        if (warnedWithoutUser.size() > 1000) {
            warnedWithoutUser.clear();
        }
        if (warnedWithoutUser.add(new Key(realm.getId(), model.getId(), Map.copyOf(model.getConfig())))) {
            LOG.warnf("IP policy config '%s' of realm %s has group rules but runs before the user is known (flow %s); "
                    + "logins through it are denied. Place it after the step that identifies the user.",
                    model.getAlias(), realm.getName(), flow);
        }
    }
}
