package io.keycloakguard.core.redis;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** The SPI behind {@code --spi-guard-redis--default--…}: the pack's Redis connection. */
public class GuardRedisSpi implements Spi {

    public static final String NAME = "guard-redis";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return RedisConnectionProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return RedisConnectionProviderFactory.class;
    }
}
