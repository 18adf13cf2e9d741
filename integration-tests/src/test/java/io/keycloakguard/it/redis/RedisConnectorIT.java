package io.keycloakguard.it.redis;

import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.redis.RedisConnector;
import io.keycloakguard.core.redis.RedisSettings;
import io.keycloakguard.core.redis.RedisUnavailableException;
import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.FreePorts;
import io.keycloakguard.it.harness.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core Redis connector, as shaded in the bundle, against a real Redis that comes and goes. */
class RedisConnectorIT {

    private final String prefix = "kcguard-connector-it-" + UUID.randomUUID() + ":";

    private RedisConnector connector(int port) {
        Map<String, String> options = Map.of(
                "url", "redis://127.0.0.1:" + port,
                "key-prefix", prefix,
                "health-check-interval", "200ms",
                "connect-timeout", "500ms");
        return new RedisConnector(RedisSettings.parse(new OptionReader(options::get, key -> key)));
    }

    @Test
    void startsWithoutRedisAndConnectsOnceRedisAppears() {
        int port = FreePorts.next();
        try (RedisConnector connector = connector(port)) {
            connector.start();
            Await.until(() -> !connector.isAvailable(), Duration.ofSeconds(15), "the first health check marks Redis down");
            assertThrows(RedisUnavailableException.class, () -> connector.execute(jedis -> jedis.ping()));
            assertFalse(connector.ping().reachable());

            try (TestRedis redis = TestRedis.privateOn(port)) {
                Await.until(connector::isAvailable, Duration.ofSeconds(15), "the health check notices Redis");
                String key = prefix + "k";
                connector.execute(jedis -> jedis.set(key, "v"));
                assertEquals("v", connector.execute(jedis -> jedis.get(key)));
                connector.execute(jedis -> jedis.del(key));
                assertTrue(connector.ping().reachable());
            }
        }
    }

    @Test
    void failsWithoutWaitingWhileRedisIsDownAndRecoversAfterARestart() {
        int port = FreePorts.next();
        try (TestRedis redis = TestRedis.privateOn(port); RedisConnector connector = connector(port)) {
            connector.start();
            Await.until(connector::isAvailable, Duration.ofSeconds(15), "Redis is up");
            String key = prefix + "restart";

            redis.stop();
            assertThrows(RedisUnavailableException.class, () -> connector.execute(jedis -> jedis.set(key, "1")));
            assertFalse(connector.isAvailable());
            RedisUnavailableException gated = assertThrows(RedisUnavailableException.class,
                    () -> connector.execute(jedis -> jedis.set(key, "1")));
            assertEquals(null, gated.getCause(), "while down, calls are refused before any network I/O");

            redis.start();
            Await.until(connector::isAvailable, Duration.ofSeconds(15), "the health check notices the restarted Redis");
            connector.execute(jedis -> jedis.set(key, "2"));
            assertEquals("2", connector.execute(jedis -> jedis.get(key)));
            connector.execute(jedis -> jedis.del(key));
        }
    }

}
