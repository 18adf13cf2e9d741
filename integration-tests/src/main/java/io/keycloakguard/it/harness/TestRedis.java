package io.keycloakguard.it.harness;

import java.net.URI;

/**
 * The Redis the suite uses: the one {@code REDIS_URL} names, or a private one the harness started
 * (a {@code redis-server} from PATH, else an embedded Redis from Maven Central). Only a private one
 * may be stopped by a test; nobody flushes any of them.
 */
public interface TestRedis extends AutoCloseable {

    String url();

    /** True when the harness started this Redis and so may stop and restart it. */
    boolean isPrivate();

    /** Stops a private Redis (simulating an outage); its port stays reserved for {@link #start()}. */
    void stop();

    /** (Re)starts a private Redis on the same port. */
    void start();

    /**
     * Freezes a private Redis (SIGSTOP) without losing anything: clients' requests time out, as with a network
     * partition, and resume where they were after {@link #resume()}. Only a {@code redis-server} process can do this.
     */
    default void pause() {
        throw new UnsupportedOperationException(this + " cannot be paused");
    }

    default void resume() {
        throw new UnsupportedOperationException(this + " cannot be resumed");
    }

    default boolean canPause() {
        return false;
    }

    @Override
    void close();

    static TestRedis fromEnvironment() {
        String external = Settings.get("it.redis.url", "REDIS_URL", null);
        if (external != null) {
            return new ExternalRedis(external);
        }
        return privateOn(FreePorts.next());
    }

    /** A private Redis on the given port: redis-server from PATH, else the embedded one. */
    static TestRedis privateOn(int port) {
        if (!"embedded".equals(Settings.get("it.redis", "IT_REDIS", "auto")) && ProcessRedis.onPath()) {
            return new ProcessRedis(port, Settings.workDir().resolve("redis-" + port));
        }
        return new EmbeddedTestRedis(port);
    }

    /**
     * A private {@code redis-server} from PATH with append-only persistence (fsync per write), as the
     * revocation contract recommends for production: a stop and restart keeps every key and stream entry.
     */
    static TestRedis privatePersistentOn(int port) {
        if (!ProcessRedis.onPath()) {
            throw new IllegalStateException("A persistent private Redis needs redis-server on PATH");
        }
        return new ProcessRedis(port, Settings.workDir().resolve("redis-aof-" + port), true);
    }

    default int port() {
        int port = URI.create(url()).getPort();
        return port == -1 ? 6379 : port;
    }
}
