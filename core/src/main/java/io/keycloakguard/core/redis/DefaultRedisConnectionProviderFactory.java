package io.keycloakguard.core.redis;

import io.keycloakguard.core.config.OptionReader;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import redis.clients.jedis.UnifiedJedis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

public class DefaultRedisConnectionProviderFactory
        implements RedisConnectionProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "default";

    private RedisConnector connector;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Parses and checks every option; a bad value stops Keycloak here with a message naming it. */
    @Override
    public void init(Config.Scope config) {
        OptionReader options = new OptionReader(config::get, RedisSettingsOptions::displayName);
        connector = new RedisConnector(RedisSettings.parse(options));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        connector.onRecovery(() -> factory.publish(new RedisRecoveredEvent()));
        connector.start();
    }

    @Override
    public RedisConnectionProvider create(KeycloakSession session) {
        return new ConnectorBackedProvider(connector);
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.close();
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return RedisSettingsOptions.metadata();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("target", connector.settings().describeTarget());
        info.put("keyPrefix", connector.settings().keyPrefix());
        info.put("reachable", String.valueOf(connector.isAvailable()));
        return info;
    }

    private record ConnectorBackedProvider(RedisConnector connector) implements RedisConnectionProvider {

        @Override
        public boolean isAvailable() {
            return connector.isAvailable();
        }

        @Override
        public <T> T execute(Function<UnifiedJedis, T> operation) {
            return connector.execute(operation);
        }

        @Override
        public RedisPing ping() {
            return connector.ping();
        }

        @Override
        public String key(String... parts) {
            return connector.settings().keyPrefix() + String.join(":", parts);
        }

        @Override
        public RedisSettings settings() {
            return connector.settings();
        }
    }
}
