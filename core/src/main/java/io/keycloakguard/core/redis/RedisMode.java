package io.keycloakguard.core.redis;

/** How the pack reaches Redis. */
public enum RedisMode {
    STANDALONE,
    SENTINEL,
    CLUSTER
}
