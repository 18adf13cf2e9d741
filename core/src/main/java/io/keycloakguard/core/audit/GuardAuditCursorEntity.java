package io.keycloakguard.core.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A per-realm position: the chain head ({@code NAME = chain}: last seq and hash given out) or how far a
 * sink has received the chain ({@code NAME} = the sink). Locked (SELECT … FOR UPDATE) by whoever moves it,
 * so one node at a time extends a realm's chain or ships it to a sink, in order.
 */
@Entity
@Table(name = "GUARD_AUDIT_CURSOR")
public class GuardAuditCursorEntity {

    @Id
    @Column(name = "ID", length = 255)
    private String id;

    @Column(name = "NAME", length = 200, nullable = false)
    private String name;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "SEQ", nullable = false)
    private long seq;

    @Column(name = "HASH", length = 64)
    private String hash;

    public static String idOf(String name, String realmId) {
        return name + "|" + realmId;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
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

    public String getHash() {
        return hash;
    }

    public void setHash(String hash) {
        this.hash = hash;
    }
}
