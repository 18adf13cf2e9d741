package io.keycloakguard.sessionlimits.authenticator;

import io.keycloakguard.sessionlimits.config.SessionLimitConfig;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.List;
import java.util.Map;

/** Parses a session-limit config and checks that every client, role and group it names exists in the realm. */
final class SessionLimitConfigCheck {

    private SessionLimitConfigCheck() {
    }

    static SessionLimitConfig parse(KeycloakSession session, RealmModel realm, Map<String, String> raw,
                                    List<String> problems) {
        SessionLimitConfig config = SessionLimitConfig.parse(raw);
        config.clientLimits().keySet().stream().filter(clientId -> realm.getClientByClientId(clientId) == null)
                .forEach(clientId -> problems.add("Client limits: no client '" + clientId + "' in realm " + realm.getName()));
        config.roleLimits().keySet().stream().filter(role -> realm.getRole(role) == null)
                .forEach(role -> problems.add("Role limits: no realm role '" + role + "' in realm " + realm.getName()));
        config.groupLimits().keySet().stream()
                .filter(path -> KeycloakModelUtils.findGroupByPath(session, realm, path) == null)
                .forEach(path -> problems.add("Group limits: no group '" + path + "' in realm " + realm.getName()));
        return config;
    }
}
