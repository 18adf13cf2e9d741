package io.keycloakguard.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * Boot's own auto-configurations these tests need, by name: Spring Boot 4 moved them to other packages and
 * modules, and the same tests run on both lines (the example modules run them again under their Boot version).
 */
final class BootLine {

    private BootLine() {
    }

    static AutoConfigurations resourceServer() {
        return AutoConfigurations.of(
                load("org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration", // 4.1
                        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration", // 4.0
                        "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration"), // 3.x
                KeycloakGuardRevocationAutoConfiguration.class);
    }

    /** The HealthIndicator interface of the running Boot line. */
    static Class<?> healthIndicatorType() {
        return load("org.springframework.boot.health.contributor.HealthIndicator",
                "org.springframework.boot.actuate.health.HealthIndicator");
    }

    /** The first of these classes that is on the classpath. */
    private static Class<?> load(String... names) {
        for (String name : names) {
            if (present(name)) {
                try {
                    return Class.forName(name);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("none of " + String.join(", ", names) + " on the classpath");
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, BootLine.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
