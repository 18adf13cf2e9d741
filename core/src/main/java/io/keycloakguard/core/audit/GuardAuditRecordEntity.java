package io.keycloakguard.core.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A chained audit record: its place in the realm's chain is fixed when the record leaves the outbox, and
 * every sink receives it from here in seq order. Also what the admin query endpoint reads.
 */
@Entity
@Table(name = "GUARD_AUDIT_RECORD")
public class GuardAuditRecordEntity {

    /** The outbox row's id: a record the outbox delivers twice is chained once. */
    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "SEQ", nullable = false)
    private long seq;

    @Column(name = "EVENT_TIME", nullable = false)
    private long eventTime;

    @Column(name = "EVENT_TYPE", length = 64, nullable = false)
    private String type;

    @Column(name = "USER_ID", length = 255)
    private String userId;

    @Column(name = "PAYLOAD", nullable = false)
    private String record;

    /** A chained record's row: {@code payload} is its canonical JSON with seq, prev and hash. */
    public static GuardAuditRecordEntity of(String id, String realmId, long seq, long eventTime, String type,
                                            String userId, String payload) {
        GuardAuditRecordEntity row = new GuardAuditRecordEntity();
        row.setId(id);
        row.setRealmId(realmId);
        row.setSeq(seq);
        row.setEventTime(eventTime);
        row.setType(type);
        row.setUserId(userId);
        row.setPayload(payload);
        return row;
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

    public long getSeq() {
        return seq;
    }

    public void setSeq(long seq) {
        this.seq = seq;
    }

    public long getEventTime() {
        return eventTime;
    }

    public void setEventTime(long eventTime) {
        this.eventTime = eventTime;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getPayload() {
        return record;
    }

    public void setPayload(String record) {
        this.record = record;
    }
}
