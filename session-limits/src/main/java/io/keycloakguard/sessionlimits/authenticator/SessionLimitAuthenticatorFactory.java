package io.keycloakguard.sessionlimits.authenticator;

import io.keycloakguard.core.config.ParsedConfigCache;
import io.keycloakguard.core.config.AuthenticatorConfigValidation;
import io.keycloakguard.core.flow.GuardAuthenticatorFactory;
import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.sessionlimits.config.ExceedAction;
import io.keycloakguard.sessionlimits.config.SessionLimitConfig;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** "Guard: session limit": concurrent-session limits for browser, direct-grant and post-broker flows. */
public class SessionLimitAuthenticatorFactory extends GuardAuthenticatorFactory implements AuthenticatorConfigValidation {

    public static final String ID = "guard-session-limit";

    /** What the console's form starts with, as Keycloak's own session limiter ("Maximum concurrent sessions": 3). */
    static final String DEFAULT_REALM_LIMIT = "3";

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(SessionLimitConfig.REALM_LIMIT).label("Realm limit")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULT_REALM_LIMIT)
            .helpText("Sessions a user may have at once when no more specific rule matches. The form starts at 3, "
                    + "as Keycloak's own limiter. 0: unlimited. Empty: no realm-wide limit; a step with no limit at "
                    + "all is flagged in the realm's guard/status and the log.")
            .add()
            .property().name(SessionLimitConfig.CLIENT_LIMITS).label("Client limits")
            .type(ProviderConfigProperty.MAP_TYPE)
            .helpText("One row per client. Key: the client ID, e.g. kiosk. Value: its limit, e.g. 1. A client rule "
                    + "counts only the user's sessions that use that client, and beats role, group and realm limits. "
                    + "0: unlimited.")
            .add()
            .property().name(SessionLimitConfig.GROUP_LIMITS).label("Group limits")
            .type(ProviderConfigProperty.MAP_TYPE)
            .helpText("One row per group. Key: the group path, e.g. /staff/support. Value: its limit, e.g. 5. "
                    + "Applies to members of the group and of its subgroups; the deepest matching group wins, then "
                    + "the most generous. Beats role and realm limits.")
            .add()
            .property().name(SessionLimitConfig.ROLE_LIMITS).label("Role limits")
            .type(ProviderConfigProperty.MAP_TYPE)
            .helpText("One row per realm role. Key: the role name, e.g. premium. Value: its limit, e.g. 10. "
                    + "Composite and group roles count; among several matching roles the most generous wins. Beats "
                    + "the realm limit.")
            .add()
            .property().name(SessionLimitConfig.USER_ATTRIBUTE).label("User attribute")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(SessionLimitConfig.DEFAULT_USER_ATTRIBUTE)
            .helpText("A user attribute holding the user's own limit; it beats every other rule. 0: unlimited. "
                    + "An invalid value is ignored (and logged).")
            .add()
            .property().name(SessionLimitConfig.COUNT_OFFLINE_SESSIONS).label("Count offline sessions")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
            .helpText("Also count the user's offline sessions (offline_access refresh tokens).")
            .add()
            .property().name(SessionLimitConfig.ON_EXCEED).label("When the limit is reached")
            .type(ProviderConfigProperty.LIST_TYPE).defaultValue(ExceedAction.DENY.label())
            .options(OptionReader.labels(ExceedAction.class))
            .helpText("Deny new session: refuse the new login (not counted as a failed login). End the least "
                    + "recently active session: end the session used least recently. End the oldest session: end "
                    + "the session created first. Let the user choose a session to end: show the user's sessions "
                    + "and let them sign one out or cancel; flows without pages (direct grant) deny instead.")
            .add()
            .build();

    private final ParsedConfigCache<SessionLimitConfig> configs = new ParsedConfigCache<>("Session limit",
            "logins through it are denied", SessionLimitConfig.UNLIMITED, SessionLimitConfigCheck::parse);

    @Override
    public Authenticator create(KeycloakSession session) {
        return new SessionLimitAuthenticator(configs);
    }

    @Override
    public List<String> configProblems(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config) {
        return configs.parse(session, realm, config.getConfig()).problems();
    }

    @Override
    public List<String> configWarnings(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config) {
        return SessionLimitConfigCheck.warnings(config.getConfig());
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Guard: session limit";
    }

    @Override
    public String getHelpText() {
        return "Limits how many sessions a user has at once, by realm, client, group, role or user attribute; "
                + "race-free across nodes. Put it last in the flow, after every step that can fail.";
    }

    @Override
    public String getReferenceCategory() {
        return "session-limit";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }
}
