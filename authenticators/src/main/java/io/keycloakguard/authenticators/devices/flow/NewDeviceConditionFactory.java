package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.config.AuthenticatorConfigValidation;
import io.keycloakguard.core.flow.GuardAuthenticatorFactory;
import io.keycloakguard.core.config.ParsedConfigCache;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** "Condition - new device or network": true when the sign-in comes from a device or network the user has not used. */
public class NewDeviceConditionFactory extends GuardAuthenticatorFactory
        implements ConditionalAuthenticatorFactory, AuthenticatorConfigValidation {

    public static final String ID = "guard-condition-new-device";

    static final ParsedConfigCache<NewDeviceConditionConfig> CONFIGS = new ParsedConfigCache<>(
            "New-device condition", "every sign-in through it counts as new (step-up always)",
            NewDeviceConditionConfig.DEFAULTS, NewDeviceConditionConfig::parse);

    private static final NewDeviceCondition SINGLETON = new NewDeviceCondition();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Condition - new device or network";
    }

    @Override
    public String getHelpText() {
        return "Matches when the user signs in from a browser without a known device cookie, or from a network "
                + "none of the recent sign-ins came from. Put it in a conditional subflow before an OTP form to "
                + "step up only when something is new; put 'Guard: remember device' at the end of the flow.";
    }

    @Override
    public ConditionalAuthenticator getSingleton() {
        return SINGLETON;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(NewDeviceConditionConfig.NEW_IF).label("New if")
                .type(ProviderConfigProperty.LIST_TYPE)
                .options(OptionReader.labels(NewDeviceConditionConfig.NewIf.class))
                .defaultValue(NewDeviceConditionConfig.NewIf.DEVICE_OR_NETWORK.label())
                .helpText("What makes a sign-in new: a device the user has not signed in with (no valid device cookie "
                        + "of a known device), a network none of the compared sign-ins came from, either of them, or both.")
                .add()
                .property().name(NewDeviceConditionConfig.IPV4_PREFIX).label("IPv4 network size")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("24")
                .helpText("IPv4 addresses sharing this many leading bits are the same network (8 to 32; 24 = a /24).")
                .add()
                .property().name(NewDeviceConditionConfig.IPV6_PREFIX).label("IPv6 network size")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("64")
                .helpText("IPv6 addresses sharing this many leading bits are the same network (16 to 128; 64 = a /64).")
                .add()
                .property().name(NewDeviceConditionConfig.COMPARE_LAST).label("Compare with last sign-ins")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("20")
                .helpText("How many of the user's most recent sign-ins count as known networks (1 to 1000). The login "
                        + "history keeps as many as 'Guard: remember device' is told to keep.")
                .add()
                .build();
    }

    @Override
    public List<String> configProblems(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config) {
        return CONFIGS.parse(config.getConfig()).problems();
    }
}
