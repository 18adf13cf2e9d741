package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.GuardAuditCursorEntity;
import io.keycloakguard.core.audit.GuardAuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.keycloakguard.core.concurrent.DaemonScheduler;

import jakarta.persistence.TypedQuery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves chained records to every enabled sink, per realm in seq order: in one transaction it locks the
 * sink's cursor row for the realm, reads the next records after it, writes them to the sink and moves the
 * cursor. A sink that fails keeps its cursor (the records wait in the database), is logged once until it
 * works again, and is retried every {@code ship-interval}; the other sinks go on.
 */
final class AuditShipper {

    private static final Logger LOG = Logger.getLogger(AuditShipper.class);
    private static final long RETENTION_CHECK_MILLIS = 60_000;

    private final KeycloakSessionFactory factory;
    private final AuditSettings settings;
    private final List<AuditSink> sinks;
    private final AuditMetrics metrics;
    private final AuditCheckpointer checkpointer;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private long lastRetention;
    private long lastStreamCheck;

    AuditShipper(KeycloakSessionFactory factory, AuditSettings settings, List<AuditSink> sinks, AuditMetrics metrics,
                 AuditCheckpointer checkpointer) {
        this.factory = factory;
        this.settings = settings;
        this.sinks = sinks;
        this.metrics = metrics;
        this.checkpointer = checkpointer;
        this.executor = DaemonScheduler.named("keycloak-guard-audit");
    }

    void start() {
        metrics.sinks(sinks.stream().map(AuditShipper::metricName).toList());
        long interval = settings.shipInterval().toMillis();
        executor.scheduleWithFixedDelay(this::ship, interval, interval, TimeUnit.MILLISECONDS);
    }

    void shipSoon() {
        if (queued.compareAndSet(false, true)) {
            executor.execute(() -> {
                queued.set(false);
                ship();
            });
        }
    }

    void stop() {
        executor.shutdownNow();
    }

    static String metricName(AuditSink sink) {
        return sink.name().startsWith("file:") ? "file" : sink.name().startsWith("checkpoints:") ? "checkpoint-file" : sink.name();
    }

    private void ship() {
        try {
            // Checkpoints that are due first, so that this pass ships them.
            checkpointer.appendDue(factory);
            Map<String, Long> heads = KeycloakModelUtils.runJobInTransactionWithResult(factory, AuditShipper::heads);
            boolean check = System.currentTimeMillis() - lastStreamCheck >= settings.streamCheckInterval().toMillis();
            if (check) {
                lastStreamCheck = System.currentTimeMillis();
            }
            for (AuditSink sink : sinks) {
                shipSink(sink, heads, check);
            }
            KeycloakModelUtils.runJobInTransaction(factory, s -> backlog(s, heads));
            if (System.currentTimeMillis() - lastRetention > RETENTION_CHECK_MILLIS) {
                lastRetention = System.currentTimeMillis();
                KeycloakModelUtils.runJobInTransaction(factory, s -> expire(s, heads.keySet()));
            }
        } catch (RuntimeException e) {
            // The database itself failed (e.g. during shutdown); the next pass retries.
            LOG.debugf(e, "Audit shipping pass failed");
        }
    }

    private static Map<String, Long> heads(KeycloakSession session) {
        Map<String, Long> heads = new HashMap<>();
        AuditCursors.em(session).createQuery("select c from GuardAuditCursorEntity c where c.name = :name",
                        GuardAuditCursorEntity.class)
                .setParameter("name", AuditCursors.CHAIN).getResultList()
                .forEach(c -> heads.put(c.getRealmId(), c.getSeq()));
        return heads;
    }

    /**
     * Ships every realm's backlog to one sink; stops at the first failure (the rest waits for the next pass).
     * Logs the failure once, and the recovery once a write succeeded again. With {@code check}, also visits the
     * realms the sink is up to date with when it can tell where it stands ({@link AuditSink#lastSeq}), so that records
     * it lost are written again even when no new record follows.
     */
    private void shipSink(AuditSink sink, Map<String, Long> heads, boolean check) {
        boolean wrote = false;
        try {
            Map<String, Long> shipped = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    s -> cursors(s, sink.name()));
            for (Map.Entry<String, Long> head : heads.entrySet()) {
                boolean checkRealm = check && sink.tellsLastSeq() && shipped.getOrDefault(head.getKey(), 0L) > 0;
                if (!checkRealm && shipped.getOrDefault(head.getKey(), 0L) >= head.getValue()) {
                    continue; // nothing new for this realm: no transaction, no lock
                }
                int written;
                do {
                    written = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                            s -> shipBatch(s, sink, head.getKey(), head.getValue()));
                    wrote |= written > 0;
                } while (written == settings.batchSize());
            }
        } catch (RuntimeException e) {
            if (failing.add(sink.name())) {
                LOG.errorf("Keycloak Guard: writing audit records to '%s' failed: %s. Logins go on; the records wait"
                        + " in the database and are retried every %s", sink.name(), rootMessage(e), settings.shipInterval());
            }
            return;
        }
        if (wrote && failing.remove(sink.name())) {
            LOG.infof("Keycloak Guard: the audit sink '%s' works again", sink.name());
        }
    }

    /** Where one sink stands per realm, read without locking: only realms behind their head are locked. */
    private static Map<String, Long> cursors(KeycloakSession session, String sink) {
        Map<String, Long> seqs = new HashMap<>();
        AuditCursors.em(session).createQuery("select c from GuardAuditCursorEntity c where c.name = :name",
                        GuardAuditCursorEntity.class)
                .setParameter("name", sink).getResultList()
                .forEach(c -> seqs.put(c.getRealmId(), c.getSeq()));
        return seqs;
    }

    /**
     * One batch in one transaction: lock the cursor, write what follows it, move it. Returns the count written.
     * A sink that tells where it stands and holds less than its cursor says (records lost after it acknowledged
     * them) first has its cursor moved back to what it holds, so that the lost records are written again from the
     * database. Asked before every write, not only by the periodic check: a write after the failover would
     * otherwise move the sink's end past the gap, and the gap would never show again.
     */
    private int shipBatch(KeycloakSession session, AuditSink sink, String realmId, long head) {
        GuardAuditCursorEntity cursor = AuditCursors.lock(session, sink.name(), realmId);
        if (sink.tellsLastSeq()) {
            OptionalLong held = sink.lastSeq(session, realmId);
            if (held.isPresent() && held.getAsLong() < cursor.getSeq()) {
                LOG.warnf("Keycloak Guard: the audit sink '%s' lacks records %d to %d of realm %s that it had received"
                                + " (a failover or a restart without persistence lost them); writing them again",
                        sink.name(), held.getAsLong() + 1, cursor.getSeq(), realmId);
                metrics.rewritten(metricName(sink), cursor.getSeq() - held.getAsLong());
                cursor.setSeq(held.getAsLong());
            }
        }
        if (cursor.getSeq() >= head) {
            return 0;
        }
        String only = sink.onlyType();
        TypedQuery<GuardAuditRecordEntity> rows = AuditCursors.em(session).createQuery(
                        "select r from GuardAuditRecordEntity r where r.realmId = :realm and r.seq > :seq"
                                + (only == null ? "" : " and r.seq <= :head and r.type = :type") + " order by r.seq",
                        GuardAuditRecordEntity.class)
                .setParameter("realm", realmId).setParameter("seq", cursor.getSeq())
                .setMaxResults(settings.batchSize());
        if (only != null) {
            rows.setParameter("head", head).setParameter("type", only);
        }
        List<GuardAuditRecordEntity> found = rows.getResultList();
        if (found.isEmpty()) {
            if (only != null) {
                cursor.setSeq(head); // none of its type up to the head: the others are not for this sink
            }
            return 0;
        }
        RealmModel realm = session.realms().getRealm(realmId);
        String realmName = realm == null ? realmId : realm.getName();
        try {
            sink.write(session, realmId, realmName,
                    found.stream().map(r -> new AuditSink.ChainedRecord(r.getSeq(), r.getPayload())).toList());
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
        GuardAuditRecordEntity last = found.get(found.size() - 1);
        cursor.setSeq(only != null && found.size() < settings.batchSize() ? head : last.getSeq());
        metrics.delivered(metricName(sink), found.size());
        return found.size();
    }

    /** Pending per sink: chained records past its cursor, summed over realms; age of the oldest. */
    private void backlog(KeycloakSession session, Map<String, Long> heads) {
        EntityManager em = AuditCursors.em(session);
        long now = System.currentTimeMillis();
        for (AuditSink sink : sinks) {
            long pending = 0;
            long oldest = 0;
            for (Map.Entry<String, Long> head : heads.entrySet()) {
                GuardAuditCursorEntity cursor = em.find(GuardAuditCursorEntity.class,
                        GuardAuditCursorEntity.idOf(sink.name(), head.getKey()));
                long at = cursor == null ? 0 : cursor.getSeq();
                if (at < head.getValue()) {
                    pending += head.getValue() - at;
                    List<Long> times = em.createQuery("select r.eventTime from GuardAuditRecordEntity r"
                                    + " where r.realmId = :realm and r.seq = :seq", Long.class)
                            .setParameter("realm", head.getKey()).setParameter("seq", at + 1).getResultList();
                    if (!times.isEmpty()) {
                        oldest = Math.max(oldest, (now - times.get(0)) / 1000);
                    }
                }
            }
            metrics.backlog(metricName(sink), pending, oldest);
        }
    }

    /** Deletes records older than db-retention that every enabled sink has received. */
    private void expire(KeycloakSession session, Set<String> realms) {
        EntityManager em = AuditCursors.em(session);
        long cutoff = System.currentTimeMillis() - settings.retention().toMillis();
        for (String realmId : realms) {
            long shipped = Long.MAX_VALUE;
            for (AuditSink sink : sinks) {
                GuardAuditCursorEntity cursor = em.find(GuardAuditCursorEntity.class,
                        GuardAuditCursorEntity.idOf(sink.name(), realmId));
                shipped = Math.min(shipped, cursor == null ? 0 : cursor.getSeq());
            }
            em.createQuery("delete from GuardAuditRecordEntity r where r.realmId = :realm and r.seq <= :seq"
                            + " and r.eventTime < :cutoff")
                    .setParameter("realm", realmId).setParameter("seq", shipped).setParameter("cutoff", cutoff)
                    .executeUpdate();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
