package io.keycloakguard.events.brokerlogout;

import io.keycloakguard.core.config.OptionReader;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

import java.time.Duration;
import java.util.List;

/** Registers {@code /realms/{realm}/guard-broker-logout}. */
public class BrokerBackchannelLogoutResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String ID = "guard-broker-logout";
    static final String MAX_TOKEN_AGE = "max-token-age";
    static final Duration DEFAULT_MAX_TOKEN_AGE = Duration.ofMinutes(5);

    private LogoutTokenRules rules = new LogoutTokenRules(DEFAULT_MAX_TOKEN_AGE);

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new BrokerBackchannelLogoutResource(session, rules);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        OptionReader options = new OptionReader(config::get, key -> "spi-realm-restapi-extension--" + ID + "--" + key);
        rules = new LogoutTokenRules(options.duration(MAX_TOKEN_AGE, DEFAULT_MAX_TOKEN_AGE, Duration.ofSeconds(1)));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(MAX_TOKEN_AGE).type(ProviderConfigProperty.STRING_TYPE).defaultValue("5m")
                .helpText("Oldest logout token (by its iat) the broker back-channel logout accepts; older ones, and"
                        + " tokens without exp or jti, are refused.").add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
