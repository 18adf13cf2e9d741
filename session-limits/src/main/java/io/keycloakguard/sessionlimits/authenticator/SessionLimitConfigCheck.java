package io.keycloakguard.sessionlimits.authenticator;

import io.keycloakguard.sessionlimits.config.SessionLimitConfig;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
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

    /**
     * What a usable config probably did not mean: a step that limits nothing but users with the attribute (the
     * console's form starts at 3, a config written through the REST API may not), and tier fields written as
     * {@code name=limit} lines, which the console's key/value rows cannot show.
     */
    static List<String> warnings(Map<String, String> raw) {
        Map<String, String> values = raw == null ? Map.of() : raw;
        SessionLimitConfig config = SessionLimitConfig.parse(values);
        List<String> warnings = new ArrayList<>();
        if (config.realmLimit().isEmpty() && config.clientLimits().isEmpty() && config.groupLimits().isEmpty()
                && config.roleLimits().isEmpty()) {
            warnings.add("Realm limit is empty and there is no client, group or role limit: the step limits nothing "
                    + "but users whose attribute '" + config.userAttribute() + "' holds a limit");
        }
        Map.of(SessionLimitConfig.CLIENT_LIMITS, "Client limits", SessionLimitConfig.GROUP_LIMITS, "Group limits",
                        SessionLimitConfig.ROLE_LIMITS, "Role limits").entrySet().stream()
                .filter(field -> values.get(field.getKey()) != null && !values.get(field.getKey()).isBlank()
                        && !SessionLimitConfig.isKeyValueRows(values.get(field.getKey())))
                .sorted(Map.Entry.comparingByKey())
                .forEach(field -> warnings.add(field.getValue() + " is stored as name=limit lines, as before the "
                        + "console's key/value rows: it still applies, but the 26.x console cannot show it; save it "
                        + "again as rows (docs/session-limits.md)"));
        return warnings;
    }
}
