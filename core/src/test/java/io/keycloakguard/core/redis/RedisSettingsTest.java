package io.keycloakguard.core.redis;

import io.keycloakguard.core.config.InvalidConfigurationException;
import io.keycloakguard.core.config.OptionReader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisSettingsTest {

    private static RedisSettings parse(Map<String, String> values) {
        return RedisSettings.parse(new OptionReader(values::get, RedisSettingsOptions::displayName));
    }

    private static String error(Map<String, String> values) {
        return assertThrows(InvalidConfigurationException.class, () -> parse(values)).getMessage();
    }

    @Test
    void defaultsToLocalStandaloneRedis() {
        RedisSettings s = parse(Map.of());
        assertEquals(RedisMode.STANDALONE, s.mode());
        assertEquals(List.of(new RedisSettings.HostPort("127.0.0.1", 6379)), s.nodes());
        assertEquals("kcguard:", s.keyPrefix());
        assertEquals(Duration.ofSeconds(2), s.connectTimeout());
        assertEquals(16, s.poolMaxTotal());
        assertFalse(s.tls());
    }

    @Test
    void readsCredentialsDatabaseAndTlsFromTheUrl() {
        RedisSettings s = parse(Map.of("url", "rediss://app:s%40cret@redis.example:6380/3"));
        assertEquals(new RedisSettings.HostPort("redis.example", 6380), s.nodes().get(0));
        assertEquals("app", s.username());
        assertEquals("s@cret", s.password());
        assertEquals(3, s.database());
        assertTrue(s.tls());
    }

    @Test
    void passwordOnlyUrlHasNoUser() {
        RedisSettings s = parse(Map.of("url", "redis://:pw@localhost"));
        assertNull(s.username());
        assertEquals("pw", s.password());
        assertEquals(6379, s.nodes().get(0).port());
    }

    @Test
    void explicitOptionsOverrideTheUrl() {
        RedisSettings s = parse(Map.of("url", "redis://u:p@h:1/2", "username", "other", "password", "x", "database", "5"));
        assertEquals("other", s.username());
        assertEquals("x", s.password());
        assertEquals(5, s.database());
    }

    @Test
    void neverPrintsThePassword() {
        RedisSettings s = parse(Map.of("url", "redis://u:topsecret@h:1"));
        assertFalse(s.toString().contains("topsecret"));
        assertFalse(s.describeTarget().contains("topsecret"));
        String message = error(Map.of("url", "http://u:topsecret@h:1"));
        assertFalse(message.contains("topsecret"), message);
    }

    @Test
    void sentinelNeedsMasterAndSentinels() {
        RedisSettings s = parse(Map.of("mode", "sentinel", "sentinel-master", "mymaster",
                "sentinels", "10.0.0.1:26379, 10.0.0.2, [::1]:26380"));
        assertEquals(RedisMode.SENTINEL, s.mode());
        assertEquals("mymaster", s.sentinelMaster());
        assertEquals(List.of(new RedisSettings.HostPort("10.0.0.1", 26379),
                new RedisSettings.HostPort("10.0.0.2", 26379),
                new RedisSettings.HostPort("::1", 26380)), s.nodes());

        assertTrue(error(Map.of("mode", "sentinel", "sentinels", "h:1"))
                .contains("spi-guard-redis--default--sentinel-master"));
        assertTrue(error(Map.of("mode", "sentinel", "sentinel-master", "m"))
                .contains("spi-guard-redis--default--sentinels"));
    }

    @Test
    void clusterReadsSeedNodesAndRefusesOtherDatabases() {
        RedisSettings s = parse(Map.of("mode", "cluster", "cluster-nodes", "a:7000,b:7001"));
        assertEquals(2, s.nodes().size());
        assertTrue(error(Map.of("mode", "cluster", "cluster-nodes", "a:7000", "database", "1"))
                .contains("only has database 0"));
    }

    @Test
    void badValuesNameTheOptionAndTheValue() {
        assertEquals("Invalid value '-5' for option 'spi-guard-redis--default--connect-timeout': must be at least 0ms",
                error(Map.of("connect-timeout", "-5")));
        assertEquals("Invalid value 'soon' for option 'spi-guard-redis--default--socket-timeout': "
                        + "must be a duration such as 2000, 2000ms, 2s, 5m or 1h",
                error(Map.of("socket-timeout", "soon")));
        assertTrue(error(Map.of("url", "localhost:6379")).startsWith(
                "Invalid value 'localhost:6379' for option 'spi-guard-redis--default--url'"));
        assertTrue(error(Map.of("url", "redis://")).contains("spi-guard-redis--default--url"));
        assertTrue(error(Map.of("url", "redis://h:99999")).contains("port"));
        assertTrue(error(Map.of("url", "redis://h:1/zero")).contains("database number"));
        assertTrue(error(Map.of("mode", "replicated")).contains("[standalone, sentinel, cluster]"));
        assertTrue(error(Map.of("pool-max-total", "0")).contains("between 1 and 10000"));
        assertTrue(error(Map.of("tls", "yes")).contains("true or false"));
        assertTrue(error(Map.of("mode", "cluster", "cluster-nodes", "a:b")).contains("port must be a number"));
    }

    @Test
    void durationsTakeUnits() {
        RedisSettings s = parse(Map.of("connect-timeout", "500ms", "socket-timeout", "3s",
                "health-check-interval", "1m"));
        assertEquals(Duration.ofMillis(500), s.connectTimeout());
        assertEquals(Duration.ofSeconds(3), s.socketTimeout());
        assertEquals(Duration.ofMinutes(1), s.healthCheckInterval());
        assertEquals(Duration.ofMillis(1500), parse(Map.of("connect-timeout", "1500")).connectTimeout());
    }
}
