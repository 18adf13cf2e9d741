package io.keycloakguard.core.sessions;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Optional;

/**
 * Which of a user's known devices the current browser is, for pages outside the devices module (the session
 * chooser's "this device"). Implemented by the devices module's provider factory that records sign-ins; found among
 * the loaded provider factories, so session limits work without the devices module and never parse its cookie.
 */
public interface BrowserDevice {

    /** The user-session note holding the id of the known device a session was signed in from. */
    String SESSION_NOTE = "guard.device.id";

    /** The id of the known device the current request's device cookie proves for this user; empty without one. */
    Optional<String> deviceOf(KeycloakSession session, RealmModel realm, String userId);

    /** The device the current browser is for the user, when the devices module is installed and the cookie proves it. */
    static Optional<String> current(KeycloakSession session, RealmModel realm, String userId) {
        var factory = session.getKeycloakSessionFactory();
        return factory.getSpis().stream()
                .flatMap(spi -> factory.getProviderFactoriesStream(spi.getProviderClass()))
                .filter(BrowserDevice.class::isInstance).map(BrowserDevice.class::cast)
                .findFirst()
                .flatMap(device -> device.deviceOf(session, realm, userId));
    }
}
