package io.keycloakguard.core.redis;

/** The result of one PING: reachable with its round trip, or why not. */
public record RedisPing(boolean reachable, double roundTripMillis, String error) {

    static RedisPing up(long nanos) {
        return new RedisPing(true, nanos / 1_000_000.0, null);
    }

    static RedisPing down(String error) {
        return new RedisPing(false, -1, error);
    }
}
