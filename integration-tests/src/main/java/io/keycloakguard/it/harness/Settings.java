package io.keycloakguard.it.harness;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the harness finds things: system properties set by the build, then environment variables. */
final class Settings {

    private Settings() {
    }

    static String get(String property, String env, String defaultValue) {
        String value = property == null ? null : System.getProperty(property);
        if ((value == null || value.isBlank()) && env != null) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    static Path path(String property, String defaultValue) {
        return Paths.get(get(property, null, defaultValue)).toAbsolutePath();
    }

    static Path keycloakHome() {
        return path("it.keycloak.home", "target/keycloak/keycloak-" + KeycloakVersion.underTest());
    }

    static Path providersDir() {
        return path("it.providers.dir", "target/guard-providers");
    }

    static Path realmsDir() {
        return path("it.realms.dir", "target/guard-realms/realms");
    }

    static Path workDir() {
        return path("it.work.dir", "target/it-work");
    }
}
