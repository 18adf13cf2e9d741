package io.keycloakguard.core.flow;

import org.keycloak.Config;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * What every pack step shares, as Keycloak's own {@code ConditionalAuthenticatorFactory} does for conditions: a
 * configurable step, nothing for the user to set up, <em>Required</em> or <em>Disabled</em> (a pack check that
 * could be skipped as "alternative" would be no check), and no server-wide state to initialise or close. A subclass
 * says what the step is (id, name, help, options) and makes its authenticator.
 */
public abstract class GuardAuthenticatorFactory implements AuthenticatorFactory {

    private static final AuthenticationExecutionModel.Requirement[] REQUIRED_OR_DISABLED = {
            AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIRED_OR_DISABLED.clone();
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
