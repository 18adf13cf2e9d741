package io.keycloakguard.it.harness;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * {@code @ExtendWith(KeycloakGuardExtension.class)}: gives a test the shared {@link GuardEnvironment}
 * (as a parameter of a constructor, a {@code @BeforeAll} or a test method), starting it on first use,
 * and prints the tail of the Keycloak log when a test fails.
 */
public class KeycloakGuardExtension implements BeforeAllCallback, ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakGuardExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        environment(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == GuardEnvironment.class || type == KeycloakServer.class || type == TestRedis.class
                || type == KeycloakAdmin.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        GuardEnvironment env = environment(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == KeycloakServer.class) {
            return env.keycloak();
        }
        if (type == TestRedis.class) {
            return env.redis();
        }
        if (type == KeycloakAdmin.class) {
            return env.admin();
        }
        return env;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        GuardEnvironment env = context.getRoot().getStore(NAMESPACE).get(GuardEnvironment.class, GuardEnvironment.class);
        if (env != null) {
            System.out.println("[harness] " + context.getDisplayName() + " failed; last lines of the Keycloak log:");
            env.keycloak().logTail(80).forEach(line -> System.out.println("  | " + line));
        }
    }

    private static GuardEnvironment environment(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        // The root store closes this when the whole suite is done, whatever the outcome.
        store.getOrComputeIfAbsent("stopper", key -> (AutoCloseable) GuardEnvironment::stopShared, AutoCloseable.class);
        GuardEnvironment env = GuardEnvironment.shared();
        store.put(GuardEnvironment.class, env);
        return env;
    }
}
