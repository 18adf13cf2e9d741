package io.keycloakguard.core.outbox;

/** An outbox row as a sink sees it. */
public record OutboxRecord(String id, String topic, String realmId, String payload, long createdAt, int attempts) {

    static OutboxRecord of(GuardOutboxEntity e) {
        return new OutboxRecord(e.getId(), e.getTopic(), e.getRealmId(), e.getPayload(), e.getCreatedAt(), e.getAttempts());
    }
}
