package io.keycloakguard.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * Boot's own auto-configurations these tests need, by name: Spring Boot 4 moved them to other packages and
 * modules, and the same tests run on both lines (the example modules run them again under their Boot version).
 */
final class BootLine {

    private BootLine() {
    }

    static boolean isBoot4() {
        return present("org.springframework.boot.health.contributor.HealthIndicator")
                || present("org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration");
    }

    static AutoConfigurations resourceServer() {
        return AutoConfigurations.of(
                load("org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
                        "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration"),
                KeycloakGuardRevocationAutoConfiguration.class);
    }

    /** The HealthIndicator interface of the running Boot line. */
    static Class<?> healthIndicatorType() {
        return load("org.springframework.boot.health.contributor.HealthIndicator",
                "org.springframework.boot.actuate.health.HealthIndicator");
    }

    private static Class<?> load(String boot4, String boot3) {
        try {
            return Class.forName(present(boot4) ? boot4 : boot3);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("neither " + boot4 + " nor " + boot3 + " on the classpath", e);
        }
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
