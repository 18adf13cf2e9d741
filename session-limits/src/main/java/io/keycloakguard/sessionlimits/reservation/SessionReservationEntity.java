package io.keycloakguard.sessionlimits.reservation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A slot the limiter granted to a login whose session Keycloak has not stored yet. Keycloak 26.7 inserts
 * a new user session after the login's transaction commits, i.e. after the user's lock is released;
 * until then only this row, committed with the lock, tells the next login that the slot is taken.
 */
@Entity
@Table(name = "GUARD_SESSION_RESERVATION")
public class SessionReservationEntity {

    @Id
    @Column(name = "SESSION_ID", length = 64)
    private String sessionId;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "CLIENT_ID")
    private String clientId;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    public String getSessionId() {
        return sessionId;
    }

    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }

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

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }
}
