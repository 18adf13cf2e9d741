package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.core.config.AuthenticatorConfigValidation;
import io.keycloakguard.core.flow.GuardAuthenticatorFactory;
import io.keycloakguard.core.config.ParsedConfigCache;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** "Guard: remember device": records the device and the sign-in once the user is authenticated. */
public class DeviceRecorderFactory extends GuardAuthenticatorFactory implements AuthenticatorConfigValidation {

    public static final String ID = "guard-device-recorder";

    static final ParsedConfigCache<DeviceRecorderConfig> CONFIGS = new ParsedConfigCache<>(
            "Remember-device", "the defaults are used (keep 20 sign-ins, no e-mail)",
            DeviceRecorderConfig.DEFAULTS, DeviceRecorderConfig::parse);

    private static final DeviceRecorder SINGLETON = new DeviceRecorder();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Guard: remember device";
    }

    @Override
    public String getReferenceCategory() {
        return "guard-devices";
    }

    @Override
    public String getHelpText() {
        return "At the end of a browser or direct-grant flow, records the sign-in in the user's login history and "
                + "remembers the browser as a known device (a signed, HttpOnly device cookie), so that "
                + "'Condition - new device or network' sees it as known next time; optionally e-mails the user about a "
                + "new device.";
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(DeviceRecorderConfig.KEEP_LOGINS).label("Keep last sign-ins")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("20")
                .helpText("How many of each user's most recent sign-ins the login history keeps (1 to 1000); older ones "
                        + "are deleted as new ones arrive.")
                .add()
                .property().name(DeviceRecorderConfig.NOTIFY).label("E-mail on new device")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("E-mail the user when they sign in from a device they have not used before (not for the very "
                        + "first device), with browser, IP address, time and a 'this wasn't me' link that ends all their "
                        + "sessions and makes them choose a new password. Needs the realm's SMTP settings.")
                .add()
                .build();
    }

    @Override
    public List<String> configProblems(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config) {
        return CONFIGS.parse(config.getConfig()).problems();
    }
}
