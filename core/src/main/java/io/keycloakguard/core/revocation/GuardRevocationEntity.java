package io.keycloakguard.core.revocation;

import io.keycloakguard.revocation.contract.Revocation;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A revocation that can still matter (its expiry is ahead), kept in the database so that a Redis that lost its
 * data, or failed over to a replica that missed it, can be given it again ({@link RevocationLedger}).
 */
@Entity
@Table(name = "GUARD_REVOCATION")
public class GuardRevocationEntity {

    @Id
    @Column(name = "ID", length = 64)
    private String id;

    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    @Column(name = "PAYLOAD", nullable = false)
    private String payload;

    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;

    /** Epoch milliseconds when the row was written; null for rows of versions before 1.1. */
    @Column(name = "CREATED_AT")
    private Long createdAt;

    static GuardRevocationEntity of(String realmId, Revocation r, long createdAtMillis) {
        GuardRevocationEntity e = new GuardRevocationEntity();
        e.setId(r.id());
        e.setRealmId(realmId);
        e.setPayload(r.toJson());
        e.setExpiresAt(r.expiresAt());
        e.setCreatedAt(createdAtMillis);
        return e;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public String getPayload() {
        return payload;
    }

    public void setPayload(String payload) {
        this.payload = payload;
    }

    public long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(Long createdAt) {
        this.createdAt = createdAt;
    }
}
