package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.AuthenticatorConfigValidation;
import io.keycloakguard.core.flow.GuardAuthenticatorFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;
import java.util.Set;

/**
 * "Guard: username password form with per-IP rate limit": a drop-in for Keycloak's Username Password Form
 * in browser flows. It behaves as Keycloak's form (the same category, requirement and passkey options).
 */
public class RateLimitedPasswordFormFactory extends GuardAuthenticatorFactory implements AuthenticatorConfigValidation {

    public static final String ID = "guard-ip-rate-limited-password-form";

    private final UsernamePasswordFormFactory keycloakForm = new UsernamePasswordFormFactory();

    @Override
    public Authenticator create(KeycloakSession session) {
        return new RateLimitedPasswordForm(session);
    }

    @Override
    public List<String> configProblems(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config) {
        return IpRateLimitAuthenticatorFactory.CONFIGS.parse(config.getConfig()).problems();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Guard: username password form with per-IP rate limit";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's username/password form that first refuses (HTTP 429 with Retry-After) an IP address with "
                + "too many recent failed logins in the realm, counted in Redis across all nodes; it checks again "
                + "before every submitted password. Use it in place of Username Password Form in browser flows.";
    }

    @Override
    public String getReferenceCategory() {
        return keycloakForm.getReferenceCategory();
    }

    @Override
    public Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        return keycloakForm.getOptionalReferenceCategories(session);
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return keycloakForm.getRequirementChoices();
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return RateLimitProperties.PROPERTIES;
    }
}
