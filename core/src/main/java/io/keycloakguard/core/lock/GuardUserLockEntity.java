package io.keycloakguard.core.lock;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One row per user that some pack provider serialises on. The row holds no state: locking it
 * ({@code SELECT … FOR UPDATE}) is the point, because every Keycloak node shares the database.
 */
@Entity
@Table(name = "GUARD_USER_LOCK")
public class GuardUserLockEntity {

    @Id
    @Column(name = "USER_ID", length = 36)
    private String userId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }
}
