package io.keycloakguard.core.revocation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A revocation that can still matter (its expiry is ahead), kept in the database so that a Redis that
 * lost its data (restarted without persistence) can be given every live revocation again.
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
}
