package io.keycloakguard.it.harness;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A private Redis from the embedded-redis artifact, for machines with only a JDK. */
final class EmbeddedTestRedis implements TestRedis {

    private final int port;
    private final RedisServer server;

    EmbeddedTestRedis(int port) {
        this.port = port;
        try {
            this.server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the embedded Redis", e);
        }
        start();
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public boolean isPrivate() {
        return true;
    }

    @Override
    public synchronized void start() {
        if (server.isActive()) {
            return;
        }
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded Redis on port " + port, e);
        }
    }

    @Override
    public synchronized void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the embedded Redis on port " + port, e);
        }
    }

    @Override
    public void close() {
        if (server.isActive()) {
            stop();
        }
    }

    @Override
    public String toString() {
        return "embedded Redis " + url();
    }
}
