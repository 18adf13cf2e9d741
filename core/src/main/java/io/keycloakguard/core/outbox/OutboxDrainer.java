package io.keycloakguard.core.outbox;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.keycloakguard.core.concurrent.DaemonScheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Moves outbox rows to their sinks: right after a commit that added rows (the fast path) and every
 * {@code drain-interval} (the safety net for sink outages and for rows a dead node left behind).
 * Several nodes drain the same table: a node claims a row with a conditional update before delivering
 * it, so two nodes deliver the same row only if a claim expired, and sinks are idempotent for that case.
 *
 * <p>Two lanes, each with a thread of its own: topics whose sink delivers at once (revocations) and all others
 * (audit). A revocation then never waits behind a pass that chains and ships a large audit batch.
 */
final class OutboxDrainer {

    private static final Logger LOG = Logger.getLogger(OutboxDrainer.class);

    // Plain JPQL, not named queries: Keycloak's Quarkus build registers provider entities more than once.
    // Ordered by the due time: IDX_GUARD_OUTBOX_TOPIC_DUE (topic, due time) for the at-once lane, IDX_GUARD_OUTBOX_DUE
    // for the other, so that a batch costs the same with a backlog of millions.
    private static final String DUE = "select e from GuardOutboxEntity e"
            + " where e.nextAttemptAt <= :now and (e.claimedUntil is null or e.claimedUntil < :now)";
    private static final String DUE_ORDER = " order by e.nextAttemptAt";
    // One statement claims the whole batch; the pass's own claim id tells which of the rows this pass won.
    private static final String CLAIM = "update GuardOutboxEntity e set e.claimedBy = :claim, e.claimedUntil = :until"
            + " where e.id in :ids and (e.claimedUntil is null or e.claimedUntil < :now)";
    private static final String WON = "select e.id from GuardOutboxEntity e where e.id in :ids and e.claimedBy = :claim";
    private static final String DELETE = "delete from GuardOutboxEntity e where e.id in :ids";

    private final KeycloakSessionFactory sessionFactory;
    private final OutboxSettings settings;
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    static final long GATHER_MILLIS = 200;

    private final Set<String> failingTopics = ConcurrentHashMap.newKeySet();
    private final OutboxMetrics metrics;
    private volatile Set<String> atOnceTopics = Set.of();
    private volatile Lane atOnce;
    private volatile Lane gathered;

    OutboxDrainer(KeycloakSessionFactory sessionFactory, OutboxSettings settings, OutboxMetrics metrics) {
        this.sessionFactory = sessionFactory;
        this.settings = settings;
        this.metrics = metrics;
    }

    void start() {
        List<OutboxSinkFactory> sinks = sessionFactory.getProviderFactoriesStream(OutboxSink.class)
                .map(f -> (OutboxSinkFactory) f).toList();
        metrics.topics(sinks.stream().map(OutboxSinkFactory::getId).toList());
        atOnceTopics = sinks.stream().filter(OutboxSinkFactory::deliverAtOnce).map(OutboxSinkFactory::getId)
                .collect(Collectors.toUnmodifiableSet());
        // Rows of a topic without a sink go to the gathered lane, which retries them with a warning.
        gathered = new Lane("keycloak-guard-outbox", atOnceTopics.isEmpty() ? "" : " and e.topic not in :topics",
                GATHER_MILLIS, true);
        gathered.start();
        if (!atOnceTopics.isEmpty()) {
            atOnce = new Lane("keycloak-guard-outbox-now", " and e.topic in :topics", 0, false);
            atOnce.start();
        }
    }

    /**
     * Called after a commit that added rows of these topics; coalesces bursts into one pass per lane. A pass of
     * the at-once lane starts at once, one of the other lane after {@link #GATHER_MILLIS}, so that it takes the
     * rows of many requests.
     */
    void drainSoon(Set<String> topics) {
        Set<String> now = atOnceTopics;
        if (atOnce != null && topics.stream().anyMatch(now::contains)) {
            atOnce.soon();
        }
        if (gathered != null && !now.containsAll(topics)) {
            gathered.soon();
        }
    }

    /**
     * The destination of the at-once topics (Redis) is back: their rows waiting out a backoff are due now, and the
     * lane drains them right away, so a revocation made during an outage is out within moments of Redis answering.
     */
    void retryAtOnceTopicsNow() {
        Lane lane = atOnce;
        if (lane == null) {
            return;
        }
        // Again a moment later: a pass that failed just before Redis answered may still be putting its rows back.
        for (long delay : new long[] {0, 1000}) {
            lane.executor.schedule(() -> {
                try {
                    long now = System.currentTimeMillis();
                    KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> em(session).createQuery(
                                    "update GuardOutboxEntity e set e.nextAttemptAt = :now"
                                            + " where e.topic in :topics and e.nextAttemptAt > :now")
                            .setParameter("now", now).setParameter("topics", atOnceTopics).executeUpdate());
                } catch (RuntimeException e) {
                    LOG.debugf(e, "Could not make waiting rows due");
                }
                lane.drain();
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    void stop() {
        if (atOnce != null) {
            atOnce.stop();
        }
        if (gathered != null) {
            gathered.stop();
        }
    }

    /** A thread that drains the rows of some topics. */
    private final class Lane {

        private final String topicCondition;
        private final long delayMillis;
        private final boolean refreshesBacklog;
        private final ScheduledExecutorService executor;
        private final AtomicBoolean queued = new AtomicBoolean();

        Lane(String threadName, String topicCondition, long delayMillis, boolean refreshesBacklog) {
            this.topicCondition = topicCondition;
            this.delayMillis = delayMillis;
            this.refreshesBacklog = refreshesBacklog;
            this.executor = DaemonScheduler.named(threadName);
        }

        void start() {
            long interval = settings.drainInterval().toMillis();
            executor.scheduleWithFixedDelay(this::drain, interval, interval, TimeUnit.MILLISECONDS);
        }

        void soon() {
            if (queued.compareAndSet(false, true)) {
                executor.schedule(() -> {
                    queued.set(false);
                    drain();
                }, delayMillis, TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            executor.shutdownNow();
        }

        private void drain() {
            try {
                int claimed;
                do {
                    claimed = drainOnce(this);
                } while (claimed == settings.batchSize());
                // One lane keeps the backlog gauges current (a whole-table count is not worth a revocation's pass).
                if (refreshesBacklog) {
                    metrics.backlog(KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, OutboxBacklog::all));
                }
            } catch (RuntimeException e) {
                // The database itself failed (e.g. during shutdown); the rows stay and the next pass retries.
                LOG.debugf(e, "Outbox pass failed");
            }
        }
    }

    private int drainOnce(Lane lane) {
        List<OutboxRecord> claimed = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                session -> claimDue(session, lane));
        Map<String, List<OutboxRecord>> byTopic = new LinkedHashMap<>();
        claimed.forEach(r -> byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r));
        byTopic.forEach(this::deliver);
        return claimed.size();
    }

    private List<OutboxRecord> claimDue(KeycloakSession session, Lane lane) {
        EntityManager em = em(session);
        long now = System.currentTimeMillis();
        TypedQuery<GuardOutboxEntity> query = em.createQuery(DUE + lane.topicCondition + DUE_ORDER, GuardOutboxEntity.class)
                .setParameter("now", now)
                .setMaxResults(settings.batchSize());
        if (!lane.topicCondition.isEmpty()) {
            query.setParameter("topics", atOnceTopics);
        }
        List<GuardOutboxEntity> due = query.getResultList();
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
