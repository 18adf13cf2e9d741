package io.keycloakguard.core.outbox;

import org.keycloak.provider.Provider;

import java.util.List;

/** Delivers outbox records of one topic. Delivery must be idempotent: after a crash a record may come again. */
public interface OutboxSink extends Provider {

    /**
     * Delivers the records in order; throws when the destination is unavailable, and then every record of the
     * batch stays in the outbox for a later attempt.
     */
    void deliver(List<OutboxRecord> records);

    @Override
    default void close() {
    }
}
