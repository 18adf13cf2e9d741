package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.ParsedConfigCache;
import io.keycloakguard.core.config.AuthenticatorConfigValidation;
import io.keycloakguard.core.flow.GuardAuthenticatorFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

/** "Guard: per-IP login rate limit": the gate at the start of a flow (direct grant; or a browser flow's forms). */
public class IpRateLimitAuthenticatorFactory extends GuardAuthenticatorFactory implements AuthenticatorConfigValidation {

    public static final String ID = "guard-ip-rate-limit";

    /** Shared by both rate-limited authenticators and the failure counter: one parse per config content. */
    static final ParsedConfigCache<RateLimitConfig> CONFIGS = new ParsedConfigCache<>("Per-IP rate limit",
            "logins through it are refused", RateLimitConfig.DEFAULTS,
            (session, realm, raw, problems) -> RateLimitConfig.parse(raw, problems));

    private static final IpRateLimitAuthenticator INSTANCE = new IpRateLimitAuthenticator();

    @Override
    public Authenticator create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public List<String> configProblems(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config) {
        return CONFIGS.parse(config.getConfig()).problems();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Guard: per-IP login rate limit";
    }

    @Override
    public String getHelpText() {
        return "Refuses logins (HTTP 429 with Retry-After) from an IP address with too many recent failed logins in "
                + "the realm, counted in Redis across all nodes. Put it first in the direct grant flow, or first in "
                + "the browser flow's forms; it checks when the flow starts, so in browser flows prefer "
                + "'Guard: username password form with per-IP rate limit', which checks every submitted password.";
    }

    @Override
    public String getReferenceCategory() {
        return "ip-rate-limit";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return RateLimitProperties.PROPERTIES;
    }
}
