package io.keycloakguard.core.redis;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jboss.logging.Logger;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;

import io.keycloakguard.core.concurrent.DaemonScheduler;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The pack's one connection to Redis. Connects lazily, so Keycloak starts without Redis; while Redis is
 * down every call fails at once instead of waiting for a timeout, and a background health check
 * finds out when it is back.
 */
public final class RedisConnector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisConnector.class);

    private final RedisSettings settings;
    private final RedisAvailability availability;
    private final ScheduledExecutorService healthCheck;
    private final Object clientLock = new Object();
    private volatile UnifiedJedis client;
    private volatile boolean closed;

    public RedisConnector(RedisSettings settings) {
        this.settings = settings;
        this.availability = new RedisAvailability(settings.describeTarget());
        this.healthCheck = DaemonScheduler.named("keycloak-guard-redis-health");
    }

    /** While Redis is down it is pinged this often, so that what waited for it goes out right when it is back. */
    static final long DOWN_PING_MILLIS = 250;

    private volatile long lastPingMillis;

    /**
     * Starts the health check; the first one runs right away. While Redis answers it is pinged every
     * {@code health-check-interval}; while it does not, every {@link #DOWN_PING_MILLIS}.
     */
    public void start() {
        long interval = settings.healthCheckInterval().toMillis();
        healthCheck.scheduleWithFixedDelay(() -> {
            long now = System.currentTimeMillis();
            if (!availability.isUp() || now - lastPingMillis >= interval) {
                lastPingMillis = now;
                ping();
            }
        }, 0, Math.min(interval, DOWN_PING_MILLIS), TimeUnit.MILLISECONDS);
    }

    /** Runs after Redis answers again following an outage. */
    public void onRecovery(Runnable listener) {
        availability.onRecovery(listener);
    }

    public RedisSettings settings() {
        return settings;
    }

    public boolean isAvailable() {
        return availability.isUp();
    }

    /**
     * Runs one Redis operation. While Redis is known to be down this throws at once, so no caller
     * (a login, say) ever waits on a dead Redis; the health check brings it back.
     */
    public <T> T execute(Function<UnifiedJedis, T> operation) {
        if (!availability.isUp()) {
            throw new RedisUnavailableException("Redis at " + settings.describeTarget() + " is unreachable", null);
        }
        return call(operation);
    }

    /** One PING with its round trip; also how the pack notices that Redis came back. */
    public RedisPing ping() {
        try {
            long start = System.nanoTime();
            call(jedis -> jedis.ping());
            return RedisPing.up(System.nanoTime() - start);
        } catch (RedisUnavailableException e) {
            return RedisPing.down(RedisAvailability.describe(e.getCause() == null ? e : e.getCause()));
        } catch (RuntimeException e) {
            return RedisPing.down(RedisAvailability.describe(e));
        }
    }

    private <T> T call(Function<UnifiedJedis, T> operation) {
        try {
            T result = operation.apply(client());
            availability.markUp();
            return result;
        } catch (JedisConnectionException | JedisClusterOperationException e) {
            availability.markDown(e);
            throw new RedisUnavailableException("Redis at " + settings.describeTarget() + " is unreachable", e);
        }
    }

    private UnifiedJedis client() {
        UnifiedJedis current = client;
        if (current != null) {
            return current;
        }
        synchronized (clientLock) {
            if (closed) {
                throw new JedisConnectionException("the Redis connector is closed");
            }
            if (client == null) {
                // Sentinel and Cluster clients talk to Redis while they are built and throw
                // JedisConnectionException when it is down: that is the same "unreachable" as later.
                client = build(settings);
            }
            return client;
        }
    }

    static UnifiedJedis build(RedisSettings s) {
        JedisClientConfig config = clientConfig(s, s.database());
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(s.poolMaxTotal());
        pool.setMaxIdle(s.poolMaxTotal());
        pool.setMinIdle(0);
        pool.setMaxWait(s.connectTimeout().plus(s.socketTimeout()));
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        pool.setJmxEnabled(false);
        return switch (s.mode()) {
            case STANDALONE -> RedisClient.builder()
                    .hostAndPort(hostAndPort(s.nodes().get(0)))
                    .clientConfig(config)
                    .poolConfig(pool)
                    .build();
            case SENTINEL -> RedisSentinelClient.builder()
                    .masterName(s.sentinelMaster())
                    .sentinels(hostAndPorts(s))
                    .clientConfig(config)
                    .sentinelClientConfig(clientConfig(s, 0))
                    .poolConfig(pool)
                    .build();
            case CLUSTER -> RedisClusterClient.builder()
                    .nodes(hostAndPorts(s))
                    .clientConfig(config)
                    .poolConfig(pool)
                    .build();
        };
    }

    private static JedisClientConfig clientConfig(RedisSettings s, int database) {
        return DefaultJedisClientConfig.builder()
                .user(s.username())
                .password(s.password())
                .database(database)
                .ssl(s.tls())
                .connectionTimeoutMillis((int) s.connectTimeout().toMillis())
                .socketTimeoutMillis((int) s.socketTimeout().toMillis())
                .clientName("keycloak-guard")
                .build();
    }

    private static HostAndPort hostAndPort(RedisSettings.HostPort node) {
        return new HostAndPort(node.host(), node.port());
    }

    private static Set<HostAndPort> hostAndPorts(RedisSettings s) {
        Set<HostAndPort> set = new LinkedHashSet<>();
        s.nodes().forEach(n -> set.add(hostAndPort(n)));
        return set;
    }

    @Override
    public void close() {
        healthCheck.shutdownNow();
        synchronized (clientLock) {
            closed = true;
            if (client != null) {
                try {
                    client.close();
                } catch (RuntimeException e) {
                    LOG.debugf(e, "Closing the Redis client failed");
                }
                client = null;
            }
        }
    }
}
