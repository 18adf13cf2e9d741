package io.keycloakguard.core.config;

import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Finds a realm's configs of pack authenticators that their factory refuses. */
public final class InvalidAuthenticatorConfigs {

    /** One invalid config: its alias, the authenticator it configures, the flow, and what is wrong. */
    public record Invalid(String alias, String authenticator, String flow, List<String> problems) {
    }

    private InvalidAuthenticatorConfigs() {
    }

    public static List<Invalid> of(KeycloakSession session, RealmModel realm) {
        return realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId())
                        .filter(e -> e.getAuthenticatorConfig() != null)
                        .map(e -> check(session, realm, e, flow.getAlias())))
                .filter(Objects::nonNull)
                .toList();
    }

    /** The problems of the config an execution uses, or null when it is fine or not the pack's. */
    static Invalid check(KeycloakSession session, RealmModel realm, AuthenticationExecutionModel execution,
                         String flowAlias) {
        AuthenticatorConfigModel config = realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig());
        if (config == null) {
            return null;
        }
        List<String> problems = problems(session, realm, execution.getAuthenticator(), config);
        return problems.isEmpty() ? null
                : new Invalid(config.getAlias(), execution.getAuthenticator(), flowAlias, problems);
    }

    static List<String> problems(KeycloakSession session, RealmModel realm, String authenticatorId,
                                 AuthenticatorConfigModel config) {
        if (authenticatorId == null) {
            return List.of();
        }
        Object factory = session.getKeycloakSessionFactory()
                .getProviderFactory(org.keycloak.authentication.Authenticator.class, authenticatorId);
        if (!(factory instanceof AuthenticatorFactory) || !(factory instanceof AuthenticatorConfigValidation validation)) {
            return List.of();
        }
        return validation.configProblems(session, realm,
                config.getConfig() == null ? withEmptyConfig(config) : config);
    }

    private static AuthenticatorConfigModel withEmptyConfig(AuthenticatorConfigModel config) {
        config.setConfig(Map.of());
        return config;
    }
}
