package io.keycloakguard.core.outbox;

import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves outbox rows to their sinks: right after a commit that added rows (the fast path) and every
 * {@code drain-interval} (the safety net for sink outages and for rows a dead node left behind).
 * Several nodes drain the same table: a node claims a row with a conditional update before delivering
 * it, so two nodes deliver the same row only if a claim expired, and sinks are idempotent for that case.
 */
final class OutboxDrainer {

    private static final Logger LOG = Logger.getLogger(OutboxDrainer.class);

    // Plain JPQL, not named queries: Keycloak's Quarkus build registers provider entities more than once.
    private static final String DUE = "select e from GuardOutboxEntity e"
            + " where e.nextAttemptAt <= :now and (e.claimedUntil is null or e.claimedUntil < :now)"
            + " order by e.nextAttemptAt"; // the index IDX_GUARD_OUTBOX_DUE: a batch costs the same with a backlog of millions
    // One statement claims the whole batch; the pass's own claim id tells which of the rows this pass won.
    private static final String CLAIM = "update GuardOutboxEntity e set e.claimedBy = :claim, e.claimedUntil = :until"
            + " where e.id in :ids and (e.claimedUntil is null or e.claimedUntil < :now)";
    private static final String WON = "select e.id from GuardOutboxEntity e where e.id in :ids and e.claimedBy = :claim";
    private static final String DELETE = "delete from GuardOutboxEntity e where e.id in :ids";

    private final KeycloakSessionFactory sessionFactory;
    private final OutboxSettings settings;
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final ScheduledExecutorService executor;
    static final long GATHER_MILLIS = 200;

    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicBoolean gatherQueued = new AtomicBoolean();
    private final Map<String, Boolean> atOnce = new ConcurrentHashMap<>();
    private final Set<String> failingTopics = ConcurrentHashMap.newKeySet();
    private final OutboxMetrics metrics;

    OutboxDrainer(KeycloakSessionFactory sessionFactory, OutboxSettings settings, OutboxMetrics metrics) {
        this.sessionFactory = sessionFactory;
        this.settings = settings;
        this.metrics = metrics;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keycloak-guard-outbox");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        metrics.topics(sessionFactory.getProviderFactoriesStream(OutboxSink.class).map(f -> f.getId()).toList());
        long interval = settings.drainInterval().toMillis();
        executor.scheduleWithFixedDelay(this::drain, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Called after a commit that added rows of these topics; coalesces bursts into one pass. A pass starts at once
     * if a topic asks for it, else after {@link #GATHER_MILLIS}, so that one pass takes the rows of many requests.
     */
    void drainSoon(Set<String> topics) {
        if (topics.stream().anyMatch(this::deliverAtOnce)) {
            if (drainQueued.compareAndSet(false, true)) {
                executor.execute(() -> {
                    drainQueued.set(false);
                    drain();
                });
            }
        } else if (gatherQueued.compareAndSet(false, true)) {
            executor.schedule(() -> {
                gatherQueued.set(false);
                drain();
            }, GATHER_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private boolean deliverAtOnce(String topic) {
        return atOnce.computeIfAbsent(topic, t -> {
            OutboxSinkFactory factory = (OutboxSinkFactory) sessionFactory.getProviderFactory(OutboxSink.class, t);
            return factory == null || factory.deliverAtOnce();
        });
    }

    void stop() {
        executor.shutdownNow();
    }

    private void drain() {
        try {
            int claimed;
            do {
                claimed = drainOnce();
            } while (claimed == settings.batchSize());
            metrics.backlog(KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, OutboxBacklog::all));
        } catch (RuntimeException e) {
            // The database itself failed (e.g. during shutdown); the rows stay and the next pass retries.
            LOG.debugf(e, "Outbox pass failed");
        }
    }

    private int drainOnce() {
        List<OutboxRecord> claimed = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, this::claimDue);
        Map<String, List<OutboxRecord>> byTopic = new LinkedHashMap<>();
        claimed.forEach(r -> byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r));
        byTopic.forEach(this::deliver);
        return claimed.size();
    }

    private List<OutboxRecord> claimDue(KeycloakSession session) {
        EntityManager em = em(session);
        long now = System.currentTimeMillis();
        List<GuardOutboxEntity> due = em.createQuery(DUE, GuardOutboxEntity.class)
                .setParameter("now", now)
                .setMaxResults(settings.batchSize())
                .getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        List<String> ids = due.stream().map(GuardOutboxEntity::getId).toList();
        String claim = node + ":" + UUID.randomUUID();
        em.createQuery(CLAIM)
                .setParameter("claim", claim)
                .setParameter("until", now + settings.claimTimeout().toMillis())
                .setParameter("ids", ids)
                .setParameter("now", now)
                .executeUpdate();
        Set<String> won = new HashSet<>(em.createQuery(WON, String.class)
                .setParameter("ids", ids)
                .setParameter("claim", claim)
                .getResultList());
        List<OutboxRecord> claimed = new ArrayList<>();
        for (GuardOutboxEntity entry : due) {
            if (won.contains(entry.getId())) {
                claimed.add(OutboxRecord.of(entry));
            }
        }
        return claimed;
    }

    private void deliver(String topic, List<OutboxRecord> records) {
        try {
            KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> {
                OutboxSink sink = session.getProvider(OutboxSink.class, topic);
                if (sink == null) {
                    throw new IllegalStateException("no outbox sink for topic '" + topic + "'");
                }
                sink.deliver(records);
            });
        } catch (RuntimeException e) {
            if (failingTopics.add(topic)) {
                LOG.warnf("Keycloak Guard: delivering '%s' records failed (%s); they stay in the outbox and are retried",
                        topic, e.getMessage());
            }
            KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> release(session, records));
            return;
        }
        metrics.delivered(topic, records.size());
        if (failingTopics.remove(topic)) {
            LOG.infof("Keycloak Guard: delivering '%s' records works again", topic);
        }
        KeycloakModelUtils.runJobInTransaction(sessionFactory, session ->
                em(session).createQuery(DELETE)
                        .setParameter("ids", records.stream().map(OutboxRecord::id).toList())
                        .executeUpdate());
    }

    /** Unclaims failed rows and pushes their next attempt back, doubling up to max-backoff. */
    private void release(KeycloakSession session, List<OutboxRecord> records) {
        EntityManager em = em(session);
        long now = System.currentTimeMillis();
        for (OutboxRecord r : records) {
            GuardOutboxEntity entry = em.find(GuardOutboxEntity.class, r.id());
            if (entry == null) {
                continue;
            }
            int attempts = entry.getAttempts() + 1;
            long backoff = Math.min(settings.maxBackoff().toMillis(),
                    settings.drainInterval().toMillis() << Math.min(attempts, 20));
            entry.setAttempts(attempts);
            entry.setNextAttemptAt(now + backoff);
            entry.setClaimedBy(null);
            entry.setClaimedUntil(null);
        }
    }

    static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
