package io.keycloakguard.authenticators.network.ippolicy;

import io.keycloakguard.core.config.ParsedConfigCache;
import io.keycloakguard.core.config.AuthenticatorConfigValidation;
import io.keycloakguard.core.flow.GuardAuthenticatorFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** "Guard: IP allow/deny lists": CIDR lists per realm, client and group for any login flow. */
public class IpPolicyAuthenticatorFactory extends GuardAuthenticatorFactory implements AuthenticatorConfigValidation {

    public static final String ID = "guard-ip-policy";

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(IpPolicyConfig.REALM_ALLOW).label("Realm allow list")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Networks (CIDR, IPv4 or IPv6, e.g. 10.0.0.0/8 or 2001:db8::/32; a bare address is one host) "
                    + "logins must come from. Empty: any network. Several per entry may be separated by commas or spaces.")
            .add()
            .property().name(IpPolicyConfig.REALM_DENY).label("Realm deny list")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Networks logins may never come from. Deny wins over every allow list.")
            .add()
            .property().name(IpPolicyConfig.CLIENT_RULES).label("Client rules")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Entries clientId=networks, e.g. kiosk=10.1.2.0/24 2001:db8:1::/48. Logins to that client must "
                    + "come from one of the networks, in addition to the realm allow list; a network written with ! "
                    + "(e.g. partner-portal=!198.51.100.0/24) is denied for that client.")
            .add()
            .property().name(IpPolicyConfig.GROUP_RULES).label("Group rules")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Entries /group/path=networks, e.g. /contractors=203.0.113.0/24. Applies to members of the group "
                    + "and of its subgroups; a user with several ruled groups may sign in from a network any of them "
                    + "allows; ! denies. Needs the user: place the step after the one that identifies the user.")
            .add()
            .build();

    private final ParsedConfigCache<IpPolicyConfig> configs = new ParsedConfigCache<>("IP policy",
            "logins through it are denied", IpPolicyConfig.OPEN, IpPolicyConfigCheck::parse);
    private final IpPolicyConfigCheck checks = new IpPolicyConfigCheck();

    @Override
    public Authenticator create(KeycloakSession session) {
        return new IpPolicyAuthenticator(configs, checks);
    }

    @Override
    public List<String> configProblems(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel config) {
        return configs.parse(session, realm, config.getConfig()).problems();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Guard: IP allow/deny lists";
    }

    @Override
    public String getHelpText() {
        return "Lets logins through only from allowed networks (IPv4 and IPv6 CIDR lists per realm, client and group); "
                + "deny wins. Uses the client address Keycloak resolved (its proxy settings), never a header itself.";
    }

    @Override
    public String getReferenceCategory() {
        return "ip-policy";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }
}
