package io.keycloakguard.it.harness;

import java.util.Map;

/**
 * The environment variables the harness Keycloak is started with for the {@code ${GUARD_*}} placeholders of the
 * realm files (Keycloak replaces them at {@code --import-realm}), as an operator sets them for staging or prod.
 * Variables not listed here take the defaults written in the files.
 */
public final class RealmEnvironment {

    /** The single-page app's origin: redirect URIs, web origins (CORS) and post-logout URIs of {@code app-spa}. */
    public static final String APP_URL = "http://127.0.0.1:3000";
    /** The server-side app's base URL: redirect URIs of {@code app-api}. */
    public static final String API_URL = "http://127.0.0.1:8081";

    private RealmEnvironment() {
    }

    public static Map<String, String> variables() {
        return Map.of("GUARD_APP_URL", APP_URL, "GUARD_API_URL", API_URL);
    }
}
