package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.InvalidConfigurationException;
import io.keycloakguard.core.redis.RedisMode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimiterSettingsTest {

    @Test
    void byDefaultTenThousandAddressesInThePacksRedis() {
        LimiterSettings settings = LimiterSettings.parse(Map.<String, String>of()::get);
        assertEquals(10_000, settings.maxTrackedAddresses());
        assertNull(settings.redis(), "the pack's Redis");
    }

    @Test
    void aRedisOfItsOwnTakesEveryGuardRedisOptionWithThePrefix() {
        LimiterSettings settings = LimiterSettings.parse(Map.of("max-tracked-addresses", "50000",
                "redis-url", "redis://limiter:6380/2", "redis-key-prefix", "rl:")::get);
        assertEquals(50_000, settings.maxTrackedAddresses());
        assertEquals(RedisMode.STANDALONE, settings.redis().mode());
        assertEquals("redis://limiter:6380/2", settings.redis().describeTarget());
        assertEquals("rl:", settings.redis().keyPrefix());

        LimiterSettings sentinel = LimiterSettings.parse(Map.of("redis-mode", "sentinel", "redis-sentinel-master", "m",
                "redis-sentinels", "s1:26379,s2")::get);
        assertEquals(RedisMode.SENTINEL, sentinel.redis().mode());
    }

    @Test
    void badValuesStopTheServerNamingTheOption() {
        InvalidConfigurationException cap = assertThrows(InvalidConfigurationException.class,
                () -> LimiterSettings.parse(Map.of("max-tracked-addresses", "10")::get));
        assertTrue(cap.getMessage().contains("spi-events-listener--guard-ip-rate-limit--max-tracked-addresses"), cap.getMessage());
        InvalidConfigurationException url = assertThrows(InvalidConfigurationException.class,
                () -> LimiterSettings.parse(Map.of("redis-url", "http://limiter")::get));
        assertTrue(url.getMessage().contains("spi-events-listener--guard-ip-rate-limit--redis-url"), url.getMessage());
    }
}
