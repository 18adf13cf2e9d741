package io.keycloakguard.core.redis;

import org.keycloak.provider.ProviderFactory;

public interface RedisConnectionProviderFactory extends ProviderFactory<RedisConnectionProvider> {
}
