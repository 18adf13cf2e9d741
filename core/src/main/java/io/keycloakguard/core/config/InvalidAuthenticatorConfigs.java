package io.keycloakguard.core.config;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/** Finds a realm's configs of pack authenticators that their factory refuses, or warns about. */
public final class InvalidAuthenticatorConfigs {

    /**
     * One config and what is wrong with it: its alias (null for a step without config), the authenticator it
     * configures, the flow and the step (the authenticator's name in the console) it sits in.
     */
    public record Invalid(String alias, String authenticator, String flow, String step, List<String> problems) {
    }

    /** What the check of one step found: problems (the config is unusable) or else warnings; null when none. */
    public record Finding(Invalid problems, Invalid warnings) {
    }

    private InvalidAuthenticatorConfigs() {
    }

    /** The realm's configs that their step refuses. */
    public static List<Invalid> of(KeycloakSession session, RealmModel realm) {
        return scan(session, realm, e -> true).stream().map(Finding::problems).filter(Objects::nonNull).toList();
    }

    /** The realm's usable configs (and enabled steps without config) that their step warns about. */
    public static List<Invalid> warnings(KeycloakSession session, RealmModel realm) {
        return scan(session, realm, e -> true).stream().map(Finding::warnings).filter(Objects::nonNull).toList();
    }

    /** The findings about the steps that use one config (one per step, usually one). */
    public static List<Finding> ofConfig(KeycloakSession session, RealmModel realm, String configId) {
        return scan(session, realm, e -> configId.equals(e.getAuthenticatorConfig()));
    }

    /** The findings about one step. */
    public static List<Finding> ofExecution(KeycloakSession session, RealmModel realm, String executionId) {
        return scan(session, realm, e -> executionId.equals(e.getId()));
    }

    /** The findings about a flow's steps that have no config (a step just added, or just switched on). */
    public static List<Finding> ofUnconfiguredStepsOf(KeycloakSession session, RealmModel realm, String flowAlias) {
        return realm.getAuthenticationFlowsStream().filter(flow -> flowAlias.equals(flow.getAlias()))
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId())
                        .filter(e -> e.getAuthenticatorConfig() == null)
                        .map(e -> check(session, realm, e, flow.getAlias())))
                .filter(Objects::nonNull)
                .toList();
    }

    private static List<Finding> scan(KeycloakSession session, RealmModel realm,
                                      Predicate<AuthenticationExecutionModel> which) {
        return realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId())
                        .filter(which)
                        .map(e -> check(session, realm, e, flow.getAlias())))
                .filter(Objects::nonNull)
                .toList();
    }

    /** What is wrong with the config an execution uses, or null when it is fine or not the pack's. */
    static Finding check(KeycloakSession session, RealmModel realm, AuthenticationExecutionModel execution,
                         String flowAlias) {
        if (execution.getAuthenticator() == null) {
            return null;
        }
        Object factory = session.getKeycloakSessionFactory()
                .getProviderFactory(Authenticator.class, execution.getAuthenticator());
        if (!(factory instanceof AuthenticatorFactory authenticator)
                || !(factory instanceof AuthenticatorConfigValidation validation)) {
            return null;
        }
        String step = authenticator.getDisplayType();
        AuthenticatorConfigModel config;
        if (execution.getAuthenticatorConfig() == null) {
            // A step added but never configured runs with its defaults: nothing to refuse, maybe something to say.
            if (execution.getRequirement() == AuthenticationExecutionModel.Requirement.DISABLED) {
                return null;
            }
            config = new AuthenticatorConfigModel();
            config.setConfig(Map.of());
            List<String> warnings = validation.configWarnings(session, realm, config);
            return warnings.isEmpty() ? null : new Finding(null,
                    new Invalid(null, execution.getAuthenticator(), flowAlias, step, warnings));
        }
        config = realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig());
        if (config == null) {
            return null;
        }
        if (config.getConfig() == null) {
            config.setConfig(Map.of());
        }
        List<String> problems = validation.configProblems(session, realm, config);
        if (!problems.isEmpty()) {
            return new Finding(new Invalid(config.getAlias(), execution.getAuthenticator(), flowAlias, step, problems),
                    null);
        }
        if (execution.getRequirement() == AuthenticationExecutionModel.Requirement.DISABLED) {
            return null;
        }
        List<String> warnings = validation.configWarnings(session, realm, config);
        return warnings.isEmpty() ? null : new Finding(null,
                new Invalid(config.getAlias(), execution.getAuthenticator(), flowAlias, step, warnings));
    }
}
