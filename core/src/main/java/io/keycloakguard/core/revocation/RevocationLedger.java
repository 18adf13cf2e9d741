package io.keycloakguard.core.revocation;

import io.keycloakguard.core.outbox.OutboxProvider;
import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.revocation.contract.MalformedRevocationException;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKind;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.keycloakguard.core.concurrent.DaemonScheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps Redis in step with the ledger ({@code GUARD_REVOCATION}: every revocation until it expires), on every node,
 * every {@link #CHECK_MILLIS}:
 * <ul>
 *   <li>forgets expired rows, and prunes expired records from Redis;</li>
 *   <li><b>lost data</b>: when a realm's marker ({@code rev:v1:{realm}:epoch}, in the realm's own Cluster slot) is
 *       gone while Redis answers, Redis or the realm's shard lost its data: every live row of the realm is published
 *       again and the marker set;</li>
 *   <li><b>failover</b>: every {@code reconcile-interval}, rows written in the last {@code reconcile-window} whose
 *       seen-marker Redis lacks (a replica promoted before it got them) are published again;</li>
 *   <li><b>lifetimes raised</b>: every {@link RevocationCoverage#RECHECK_MILLIS}, or soon after an admin changed a
 *       realm or client, live records that end before the realm's coverage now requires are extended: a new record
 *       with the larger expiry goes through the outbox, and readers merge it.</li>
 * </ul>
 * Publishing is idempotent, so nodes doing this at the same time do no harm.
 */
final class RevocationLedger {

    private static final Logger LOG = Logger.getLogger(RevocationLedger.class);
    static final long CHECK_MILLIS = 2000;
    private static final int PAGE = 500;

    private final KeycloakSessionFactory factory;
    private final RevocationSettings settings;
    private final RevocationCoverage coverage;
    private final ScheduledExecutorService executor = DaemonScheduler.named("keycloak-guard-revocation-ledger");
    private final AtomicBoolean sweepRequested = new AtomicBoolean(true);
    private volatile long lastReconcile;
    private volatile long lastSweep;
    private volatile long republished;
    private volatile long reconciled;
    private volatile long extended;

    RevocationLedger(KeycloakSessionFactory factory, RevocationSettings settings, RevocationCoverage coverage) {
        this.factory = factory;
        this.settings = settings;
        this.coverage = coverage;
    }

    void start() {
        executor.scheduleWithFixedDelay(this::checkQuietly, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        executor.shutdownNow();
    }

    /** An admin changed a realm's or client's lifetimes: extend what needs it without waiting for the next sweep. */
    void sweepSoon() {
        sweepRequested.set(true);
        executor.schedule(this::checkQuietly, 200, TimeUnit.MILLISECONDS);
    }

    /** Counters for the status endpoint: records republished (lost data), reconciled (failover), extended. */
    long[] counters() {
        return new long[] {republished, reconciled, extended};
    }

    private void checkQuietly() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, this::check);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Revocation ledger check failed; retrying in %d ms", CHECK_MILLIS);
        }
    }

    /** One check (package-private for tests). */
    void check(KeycloakSession session) {
        long nowMillis = System.currentTimeMillis();
        long now = nowMillis / 1000;
        EntityManager em = em(session);
        // Read before the expired rows go: a realm whose last record just expired still gets its Redis records pruned.
        List<String> realmIds = em.createQuery("select distinct r.realmId from GuardRevocationEntity r", String.class)
                .getResultList();
        em.createQuery("delete from GuardRevocationEntity r where r.expiresAt < :now").setParameter("now", now)
                .executeUpdate();
        boolean sweep = sweepRequested.getAndSet(false) || nowMillis - lastSweep >= RevocationCoverage.RECHECK_MILLIS;
        if (sweep) {
            lastSweep = nowMillis;
            for (String realmId : realmIds) {
                RealmModel realm = realmId == null ? null : session.realms().getRealm(realmId);
                if (realm != null) {
                    extendIfNeeded(session, realm, nowMillis);
                }
            }
        }
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        if (!redis.isAvailable()) {
            return;
        }
        RevocationPublisher publisher = publisher(redis);
        boolean reconcile = nowMillis - lastReconcile >= settings.reconcileInterval().toMillis();
        for (String realmId : realmIds) {
            RealmModel realm = realmId == null ? null : session.realms().getRealm(realmId);
            if (realm == null) {
                continue;
            }
            String name = realm.getName();
            if (!redis.execute(jedis -> publisher.hasMarker(jedis, name))) {
                republishRealm(session, redis, publisher, realm, now);
            } else if (reconcile) {
                reconcileRealm(session, redis, publisher, realm, nowMillis);
            }
            redis.execute(jedis -> publisher.removeExpired(jedis, name, now));
        }
        if (reconcile) {
            lastReconcile = nowMillis;
        }
    }

    private void republishRealm(KeycloakSession session, RedisConnectionProvider redis, RevocationPublisher publisher,
                                RealmModel realm, long now) {
        int count = 0;
        for (int first = 0; ; first += PAGE) {
            List<String> page = em(session).createQuery("select r.payload from GuardRevocationEntity r"
                            + " where r.realmId = :realm and r.expiresAt >= :now order by r.id", String.class)
                    .setParameter("realm", realm.getId()).setParameter("now", now)
                    .setFirstResult(first).setMaxResults(PAGE).getResultList();
            if (page.isEmpty()) {
                break;
            }
            publish(redis, publisher, realm, page, now);
            count += page.size();
        }
        String name = realm.getName();
        redis.execute(jedis -> {
            publisher.setMarker(jedis, name, UUID.randomUUID().toString());
            return null;
        });
        republished += count;
        if (count > 0) {
            LOG.infof("Keycloak Guard: Redis had lost the revocation data of realm %s; republished %d live revocations",
                    name, count);
        }
    }

    private void reconcileRealm(KeycloakSession session, RedisConnectionProvider redis, RevocationPublisher publisher,
                                RealmModel realm, long nowMillis) {
        long since = nowMillis - settings.reconcileWindow().toMillis();
        long now = nowMillis / 1000;
        int count = 0;
        for (int first = 0; ; first += PAGE) {
            List<Object[]> page = em(session).createQuery("select r.id, r.payload from GuardRevocationEntity r"
                            + " where r.realmId = :realm and r.createdAt >= :since and r.expiresAt >= :now order by r.id",
                            Object[].class)
                    .setParameter("realm", realm.getId()).setParameter("since", since).setParameter("now", now)
                    .setFirstResult(first).setMaxResults(PAGE).getResultList();
            if (page.isEmpty()) {
                break;
            }
            List<String> ids = page.stream().map(row -> (String) row[0]).toList();
            Set<String> missing = new HashSet<>(redis.execute(jedis -> publisher.missing(jedis, realm.getName(), ids)));
            if (!missing.isEmpty()) {
                List<String> payloads = page.stream().filter(row -> missing.contains((String) row[0]))
                        .map(row -> (String) row[1]).toList();
                publish(redis, publisher, realm, payloads, now);
                count += payloads.size();
            }
        }
        reconciled += count;
        if (count > 0) {
            LOG.warnf("Keycloak Guard: %d recent revocations of realm %s were missing from Redis (a failover to a replica "
                    + "that had not received them?); published them again", count, realm.getName());
        }
    }

    private static void publish(RedisConnectionProvider redis, RevocationPublisher publisher, RealmModel realm,
                                List<String> payloads, long now) {
        List<Revocation> revocations = new ArrayList<>();
        for (String payload : payloads) {
            try {
                revocations.add(Revocation.fromJson(payload).inRealm(realm.getName()));
            } catch (MalformedRevocationException e) {
                LOG.warnf("Keycloak Guard: unreadable revocation in the ledger of realm %s (%s)", realm.getName(), e.getMessage());
            }
        }
        redis.execute(jedis -> {
            revocations.forEach(r -> publisher.publish(jedis, r, now));
            return null;
        });
    }

    /**
     * Extends the realm's live records that end before its coverage now requires: {@code time + coverage + skew}.
     * Token records carry their token's own expiry and are never extended.
     */
    private void extendIfNeeded(KeycloakSession session, RealmModel realm, long nowMillis) {
        RevocationCoverage.Refresh refresh = coverage.refresh(realm, nowMillis);
        if (!refresh.mayNeedExtension()) {
            return;
        }
        long now = nowMillis / 1000;
        long coverageSeconds = refresh.known().effective(now);
        // A row ending after this bound meets any requirement (its time is at most now).
        long bound = now + coverageSeconds + coverage.skewSeconds();
        EntityManager em = em(session);
        int count = 0;
        String after = "";
        while (true) {
            List<GuardRevocationEntity> page = em.createQuery("select r from GuardRevocationEntity r where r.realmId = :realm"
                            + " and r.expiresAt >= :now and r.expiresAt < :bound and r.id > :after order by r.id",
                            GuardRevocationEntity.class)
                    .setParameter("realm", realm.getId()).setParameter("now", now).setParameter("bound", bound)
                    .setParameter("after", after).setMaxResults(PAGE).getResultList();
            if (page.isEmpty()) {
                break;
            }
            after = page.get(page.size() - 1).getId();
            for (GuardRevocationEntity row : page) {
                Revocation r;
                try {
                    r = Revocation.fromJson(row.getPayload());
                } catch (MalformedRevocationException e) {
                    continue;
                }
                long required = r.time() + coverageSeconds + coverage.skewSeconds();
                if (r.kind() == RevocationKind.TOKEN || row.getExpiresAt() >= required) {
                    continue;
                }
                Revocation longer = r.extendedTo(required).inRealm(realm.getName());
                session.getProvider(OutboxProvider.class).add(Revocations.TOPIC, realm.getId(), longer.toJson());
                em.persist(GuardRevocationEntity.of(realm.getId(), longer, nowMillis));
                em.remove(row);
                count++;
            }
            em.flush();
        }
        extended += count;
        if (count > 0) {
            LOG.infof("Keycloak Guard: the longest access-token lifetime of realm %s is now %d s; extended %d live "
                    + "revocations to cover tokens that long", realm.getName(), coverageSeconds, count);
        }
    }

    private static RevocationPublisher publisher(RedisConnectionProvider redis) {
        return new RevocationPublisher(redis.settings().keyPrefix(), RevocationPublisher.DEFAULT_STREAM_MAX_LENGTH);
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
