package io.keycloakguard.core.redis;

import org.keycloak.provider.ProviderEvent;

/**
 * Published on the session factory when Redis answers again after an outage: whatever waited for Redis (the outbox's
 * revocations) goes out at once instead of at the end of its retry backoff.
 */
public final class RedisRecoveredEvent implements ProviderEvent {
}
