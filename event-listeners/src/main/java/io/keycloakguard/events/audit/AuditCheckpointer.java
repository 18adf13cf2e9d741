package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.AuditChain;
import io.keycloakguard.core.audit.AuditCheckpoints;
import io.keycloakguard.core.audit.CanonicalJson;
import io.keycloakguard.core.audit.CheckpointKey;
import io.keycloakguard.core.audit.GuardAuditCursorEntity;
import io.keycloakguard.core.audit.GuardAuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Appends signed checkpoints ({@link AuditCheckpoints}) to realms' chains: in the chain step after every
 * {@code checkpoint-records} records, and from the shipper's pass when a realm's newest checkpoint is
 * {@code checkpoint-interval} old (also when nothing happened, so that a trail ending early is evidence). Both hold
 * the realm's chain-head lock, so checkpoints take their seq like any record; the realm's newest checkpoint is
 * the cursor {@value #CURSOR}. Signing happens here, off the request: the listener's cost does not change.
 */
final class AuditCheckpointer {

    static final String CURSOR = "checkpoint";

    private static final Logger LOG = Logger.getLogger(AuditCheckpointer.class);

    private final CheckpointKey key;
    private final int everyRecords;
    private final Duration every;
    private final AtomicBoolean warnedOff = new AtomicBoolean();

    /** {@code key} null: checkpoints off. */
    AuditCheckpointer(CheckpointKey key, int everyRecords, Duration every) {
        this.key = key;
        this.everyRecords = everyRecords;
        this.every = every;
    }

    boolean on() {
        return key != null;
    }

    String keyId() {
        return key == null ? null : key.id();
    }

    int everyRecords() {
        return everyRecords;
    }

    Duration every() {
        return every;
    }

    /** Said once per node, when the first records are chained without a key. */
    void warnIfOff() {
        if (key == null && warnedOff.compareAndSet(false, true)) {
            LOG.warn("Keycloak Guard: audit checkpoints are off (no checkpoint-key-file): the audit trail's hash chain"
                    + " shows edits, deletions, insertions and reordering within the records a verifier is given, but"
                    + " not the newest records truncated, nor a trail whose hashes were all recomputed (docs/audit.md)");
        }
    }

    /**
     * The realm's newest-checkpoint cursor; null when checkpoints are off. Call under the realm's chain lock: every
     * writer of this cursor holds that lock, so it needs no lock of its own (one plain read per realm and batch).
     */
    GuardAuditCursorEntity cursor(KeycloakSession session, String realmId) {
        if (key == null) {
            return null;
        }
        GuardAuditCursorEntity cursor = AuditCursors.em(session).find(GuardAuditCursorEntity.class,
                GuardAuditCursorEntity.idOf(CURSOR, realmId));
        return cursor != null ? cursor : AuditCursors.lock(session, CURSOR, realmId);
    }

    /** In the chain step, after a record: a checkpoint when {@code checkpoint-records} records followed the last one. */
    boolean afterRecord(KeycloakSession session, String realmId, GuardAuditCursorEntity head,
                        GuardAuditCursorEntity checkpoint) {
        if (checkpoint == null || head.getSeq() - checkpoint.getSeq() < everyRecords) {
            return false;
        }
        append(session, realmId, head, checkpoint);
        return true;
    }

    /**
     * From the shipper's pass: a checkpoint for every realm (that still exists) whose newest one is
     * {@code checkpoint-interval} old or that has none. Returns how many were appended.
     */
    int appendDue(KeycloakSessionFactory factory) {
        if (key == null) {
            return 0;
        }
        List<String> due = KeycloakModelUtils.runJobInTransactionWithResult(factory, this::dueRealms);
        int appended = 0;
        for (String realmId : due) {
            appended += KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> appendIfDue(s, realmId)) ? 1 : 0;
        }
        return appended;
    }

    /** Realms with a chain whose newest checkpoint is due, read without locks (one query for all realms). */
    private List<String> dueRealms(KeycloakSession session) {
        EntityManager em = AuditCursors.em(session);
        Map<String, Long> heads = new LinkedHashMap<>();
        em.createQuery("select c from GuardAuditCursorEntity c where c.name = :name", GuardAuditCursorEntity.class)
                .setParameter("name", AuditCursors.CHAIN).getResultList()
                .forEach(c -> heads.put(c.getRealmId(), c.getSeq()));
        Map<String, Long> times = new HashMap<>();
        em.createQuery("select c.realmId, r.eventTime from GuardAuditCursorEntity c, GuardAuditRecordEntity r"
                        + " where c.name = :name and r.realmId = c.realmId and r.seq = c.seq", Object[].class)
                .setParameter("name", CURSOR).getResultList()
                .forEach(row -> times.put((String) row[0], (Long) row[1]));
        long now = System.currentTimeMillis();
        List<String> due = new ArrayList<>();
        heads.forEach((realmId, seq) -> {
            Long time = times.get(realmId);
            if (seq > 0 && (time == null || now - time >= every.toMillis()) && session.realms().getRealm(realmId) != null) {
                due.add(realmId);
            }
        });
        return due;
    }

    /** Under the locks, checks again (another node may have just appended one) and appends. */
    private boolean appendIfDue(KeycloakSession session, String realmId) {
        GuardAuditCursorEntity head = AuditCursors.lock(session, AuditCursors.CHAIN, realmId);
        GuardAuditCursorEntity checkpoint = cursor(session, realmId);
        if (checkpoint.getSeq() > 0) {
            List<Long> time = AuditCursors.em(session).createQuery("select r.eventTime from GuardAuditRecordEntity r"
                            + " where r.realmId = :realm and r.seq = :seq", Long.class)
                    .setParameter("realm", realmId).setParameter("seq", checkpoint.getSeq()).getResultList();
            if (!time.isEmpty() && System.currentTimeMillis() - time.get(0) < every.toMillis()) {
                return false;
            }
        }
        append(session, realmId, head, checkpoint);
        return true;
    }

    /** Chains a checkpoint of the head as the realm's next record; moves the head and the checkpoint cursor. */
    private void append(KeycloakSession session, String realmId, GuardAuditCursorEntity head,
                        GuardAuditCursorEntity checkpoint) {
        long now = System.currentTimeMillis();
        RealmModel realm = session.realms().getRealm(realmId);
        String headHash = head.getHash() == null ? AuditChain.GENESIS : head.getHash();
        Map<String, Object> record = AuditCheckpoints.record(key, realmId, realm == null ? null : realm.getName(),
                head.getSeq(), headHash, now, checkpoint.getSeq(),
                checkpoint.getHash() == null ? AuditChain.GENESIS : checkpoint.getHash(), everyRecords, every);
        long seq = head.getSeq() + 1;
        Map<String, Object> linked = AuditChain.link(record, seq, headHash);
        String hash = (String) linked.get("hash");
        AuditCursors.em(session).persist(GuardAuditRecordEntity.of((String) record.get("id"), realmId, seq, now,
                AuditCheckpoints.TYPE, null, CanonicalJson.write(linked)));
        head.setSeq(seq);
        head.setHash(hash);
        checkpoint.setSeq(seq);
        checkpoint.setHash(hash);
    }
}
