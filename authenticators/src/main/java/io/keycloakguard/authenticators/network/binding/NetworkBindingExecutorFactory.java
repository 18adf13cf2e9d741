package io.keycloakguard.authenticators.network.binding;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

import java.util.Arrays;
import java.util.List;

/** "guard-network-binding": binds refresh tokens (and userinfo calls) to the network the session was created from. */
public class NetworkBindingExecutorFactory implements ClientPolicyExecutorProviderFactory {

    public static final String ID = "guard-network-binding";

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(NetworkBindingConfig.MODE).label("Mode")
            .type(ProviderConfigProperty.LIST_TYPE).defaultValue(NetworkBindingConfig.DEFAULT_MODE.value())
            .options(Arrays.stream(BindingMode.values()).map(BindingMode::value).toList())
            .helpText("What to do when a token refresh or userinfo call comes from another network than the one "
                    + "the session was created from. log: record the event and let the call through. reject: refuse "
                    + "the call (refresh: 400 invalid_grant, userinfo: 401 invalid_token); the session stays. "
                    + "end-session: refuse the call and end the session (back-channel logout, tokens revoked).")
            .add()
            .property().name(NetworkBindingConfig.IPV4_PREFIX_BITS).label("IPv4 prefix bits")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(NetworkBindingConfig.DEFAULT_IPV4_PREFIX_BITS)
            .helpText("An IPv4 caller in the same network as the session's address, to this many leading bits, is "
                    + "tolerated (24: the same /24). 32: only the same address. 0 to 32.")
            .add()
            .property().name(NetworkBindingConfig.IPV6_PREFIX_BITS).label("IPv6 prefix bits")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(NetworkBindingConfig.DEFAULT_IPV6_PREFIX_BITS)
            .helpText("The same for IPv6 (64: the same /64, usually one household or office). 0 to 128.")
            .add()
            .property().name(NetworkBindingConfig.ALLOWED_NETWORKS).label("Allowed networks")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Networks (CIDR, IPv4 or IPv6, e.g. 198.51.100.0/24 or 2001:db8::/32) a caller is always "
                    + "tolerated from, whatever the session's address: mobile carriers' gateways, corporate egress. "
                    + "Several per entry may be separated by commas or spaces.")
            .add()
            .build();

    private final ParsedBindingConfigs configs = new ParsedBindingConfigs();

    @Override
    public ClientPolicyExecutorProvider create(KeycloakSession session) {
        return new NetworkBindingExecutor(session, configs);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getHelpText() {
        return "Binds a session's refresh tokens and userinfo calls to the network the session was created "
                + "from. A call from another network is logged, refused, or ends the session; every mismatch is an "
                + "event (error guard_network_mismatch).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
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
