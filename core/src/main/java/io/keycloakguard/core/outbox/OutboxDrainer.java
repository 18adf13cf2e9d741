package io.keycloakguard.core.outbox;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.keycloakguard.core.concurrent.DaemonScheduler;

import java.util.ArrayList;
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
 * Several nodes drain the same table: a node claims a row ({@link OutboxStore}) before delivering it, so two
 * nodes deliver the same row only if a claim expired, and sinks are idempotent for that case. A failed delivery
 * waits out a {@link Backoff}.
 *
 * <p>Two lanes, each with a thread of its own: topics whose sink delivers at once (revocations) and all others
 * (audit). A revocation then never waits behind a pass that chains and ships a large audit batch.
 */
final class OutboxDrainer {

    private static final Logger LOG = Logger.getLogger(OutboxDrainer.class);

    private final KeycloakSessionFactory sessionFactory;
    private final OutboxSettings settings;
    private final Backoff backoff;
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
        this.backoff = Backoff.of(settings);
        this.metrics = metrics;
    }

    void start() {
        List<OutboxSinkFactory> sinks = sessionFactory.getProviderFactoriesStream(OutboxSink.class)
                .map(f -> (OutboxSinkFactory) f).toList();
        metrics.topics(sinks.stream().map(OutboxSinkFactory::getId).toList());
        atOnceTopics = sinks.stream().filter(OutboxSinkFactory::deliverAtOnce).map(OutboxSinkFactory::getId)
                .collect(Collectors.toUnmodifiableSet());
        // Rows of a topic without a sink go to the gathered lane, which retries them with a warning.
        gathered = new Lane("keycloak-guard-outbox", atOnceTopics.isEmpty() ? OutboxStore.Topics.ALL
                : OutboxStore.Topics.ALL_BUT, GATHER_MILLIS, true);
        gathered.start();
        if (!atOnceTopics.isEmpty()) {
            atOnce = new Lane("keycloak-guard-outbox-now", OutboxStore.Topics.ONLY, 0, false);
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
                    KeycloakModelUtils.runJobInTransaction(sessionFactory,
                            session -> new OutboxStore(session).makeDue(atOnceTopics, now));
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

        private final OutboxStore.Topics topics;
        private final long delayMillis;
        private final boolean refreshesBacklog;
        private final ScheduledExecutorService executor;
        private final AtomicBoolean queued = new AtomicBoolean();

        Lane(String threadName, OutboxStore.Topics topics, long delayMillis, boolean refreshesBacklog) {
            this.topics = topics;
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
        long now = System.currentTimeMillis();
        return new OutboxStore(session).claimDue(lane.topics, atOnceTopics, now, settings.batchSize(),
                node + ":" + UUID.randomUUID(), now + settings.claimTimeout().toMillis());
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
            long now = System.currentTimeMillis();
            KeycloakModelUtils.runJobInTransaction(sessionFactory,
                    session -> new OutboxStore(session).release(records, now, backoff));
            return;
        }
        metrics.delivered(topic, records.size());
        if (failingTopics.remove(topic)) {
            LOG.infof("Keycloak Guard: delivering '%s' records works again", topic);
        }
        KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> new OutboxStore(session).delete(records));
    }
}
