package io.keycloakguard.spring.boot;

import redis.clients.jedis.UnifiedJedis;

import java.net.URI;

/**
 * The Redis connection the starter's {@code RevocationClient} reads the feed with, closed with the context. Built
 * with {@code new UnifiedJedis(URI)}, which Jedis 6.0 (Spring Boot 3.5's), 7.0 (Boot 4.0's) and 7.4+ all have;
 * Jedis 7.5's {@code RedisClient} is missing from the first two. Not a {@code UnifiedJedis} bean, so it never
 * competes with the application's own Redis beans.
 */
public final class KeycloakGuardRedis implements AutoCloseable {

    private final UnifiedJedis jedis;

    public KeycloakGuardRedis(String redisUrl) {
        URI uri;
        try {
            uri = URI.create(redisUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Keycloak Guard: redis-url is not a URL: " + e.getMessage(), e);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("redis") || uri.getScheme().equals("rediss"))
                || uri.getHost() == null) {
            throw new IllegalStateException("Keycloak Guard: redis-url must look like redis://host:6379 or "
                    + "rediss://user:password@host:6380/0");
        }
        this.jedis = new UnifiedJedis(uri);
    }

    public UnifiedJedis jedis() {
        return jedis;
    }

    @Override
    public void close() {
        jedis.close();
    }
}
