package io.keycloakguard.core.revocation;

import io.keycloakguard.core.config.OptionReader;

import java.time.Duration;

/**
 * Options of the revocation feed's publisher, {@code --spi-guard-outbox-sink--revocation--…}.
 *
 * @param heartbeatInterval how often each node writes every realm's heartbeat
 * @param minReplicas       replicas that must confirm (Redis WAIT) a published record before its outbox row is removed;
 *                          0: the primary's answer is enough (the reconcile repairs a failover)
 * @param replicaTimeout    how long WAIT waits for them
 * @param reconcileInterval how often each node checks that recent records are still in Redis
 * @param reconcileWindow   how far back that check looks
 * @param clockSkew         how long after a token's exp a resource server may still accept it (clock differences)
 */
record RevocationSettings(Duration heartbeatInterval, int minReplicas, Duration replicaTimeout, Duration reconcileInterval,
                          Duration reconcileWindow, Duration clockSkew) {

    static final String HEARTBEAT_INTERVAL = "heartbeat-interval";
    static final String MIN_REPLICAS = "min-replicas";
    static final String REPLICA_TIMEOUT = "replica-timeout";
    static final String RECONCILE_INTERVAL = "reconcile-interval";
    static final String RECONCILE_WINDOW = "reconcile-window";
    static final String CLOCK_SKEW = "clock-skew";

    static RevocationSettings parse(OptionReader options) {
        return new RevocationSettings(
                options.duration(HEARTBEAT_INTERVAL, Duration.ofSeconds(2), Duration.ofMillis(100)),
                options.integer(MIN_REPLICAS, 0, 0, 16),
                options.duration(REPLICA_TIMEOUT, Duration.ofSeconds(1), Duration.ofMillis(10)),
                options.duration(RECONCILE_INTERVAL, Duration.ofSeconds(10), Duration.ofMillis(500)),
                options.duration(RECONCILE_WINDOW, Duration.ofMinutes(5), Duration.ofSeconds(10)),
                options.duration(CLOCK_SKEW, Duration.ofSeconds(60), Duration.ZERO));
    }
}
