package io.keycloakguard.core.config;

import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;

/**
 * Implemented by the pack's authenticator factories whose config can be wrong. Keycloak 26.x has no
 * hook to validate an authenticator config when the admin saves it (and it logs, not propagates, what
 * admin event listeners throw), so the authenticators validate at first use and fail safe, a global admin-event
 * listener ({@link ConfigCheckOnSave}) logs a warning when a config is saved, and the status endpoint lists every
 * config this finds invalid.
 */
public interface AuthenticatorConfigValidation {

    /** Every problem of the config, each naming the field and the value; empty when it is usable. */
    List<String> configProblems(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config);

    /**
     * What is legal but probably not meant, e.g. a step that limits nothing; the config stays usable. Asked only of a
     * config without problems, and also of an enabled step that has no config at all (then with an empty one).
     */
    default List<String> configWarnings(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config) {
        return List.of();
    }
}
