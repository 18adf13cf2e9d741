package io.keycloakguard.core.outbox;

import org.keycloak.provider.Provider;

/**
 * Adds records to the outbox inside the current Keycloak transaction: they exist if and only if the
 * change that caused them committed, and are delivered to their topic's sink right after the commit
 * (or later, by the drainer, if the sink is down or the node dies first).
 */
public interface OutboxProvider extends Provider {

    void add(String topic, String realmId, String payload);

    @Override
    default void close() {
    }
}
