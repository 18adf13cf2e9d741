package io.keycloakguard.core.redis;

import org.keycloak.provider.Provider;
import redis.clients.jedis.UnifiedJedis;

import java.util.function.Function;

/**
 * The pack's Redis, for any provider: {@code session.getProvider(RedisConnectionProvider.class)}.
 * Every key a provider writes goes through {@link #key(String...)} so it carries the configured prefix.
 */
public interface RedisConnectionProvider extends Provider {

    /** False while Redis is known to be unreachable; callers then take their fallback without trying. */
    boolean isAvailable();

    /**
     * Runs one operation against Redis.
     *
     * @throws RedisUnavailableException when Redis is down or the connection fails
     */
    <T> T execute(Function<UnifiedJedis, T> operation);

    RedisPing ping();

    /** The configured key prefix followed by the parts joined with ':'. */
    String key(String... parts);

    RedisSettings settings();

    @Override
    default void close() {
    }
}
