package io.keycloakguard.core.redis;

import io.keycloakguard.core.spi.PackSpi;

/** The SPI behind {@code --spi-guard-redis--default--…}: the pack's Redis connection. */
public class GuardRedisSpi extends PackSpi {

    public static final String NAME = "guard-redis";

    public GuardRedisSpi() {
        super(NAME, RedisConnectionProvider.class, RedisConnectionProviderFactory.class);
    }
}
