package io.keycloakguard.core.revocation;

import io.keycloakguard.core.redis.RedisConnectionProvider;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.keycloakguard.core.concurrent.DaemonScheduler;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes every realm's publisher heartbeat (docs/revocation-contract.md): "every revocation committed before
 * {@code drained_to} is in the feed". {@code drained_to} is this node's clock when the outbox holds no undelivered
 * revocation of the realm (any node's), else the creation time of the oldest one. When this node cannot write to
 * Redis, or the outbox is stuck, the heartbeat stops advancing and readers see their staleness grow. It runs on its
 * own thread, so a long republish never delays it.
 */
final class RevocationHeartbeat {

    private static final Logger LOG = Logger.getLogger(RevocationHeartbeat.class);
    /** How long the list of realms with the revocation listener is reused. */
    private static final long REALMS_REFRESH_MILLIS = 30_000;

    private final KeycloakSessionFactory factory;
    private final RevocationSettings settings;
    private final String node;
    private final ScheduledExecutorService executor = DaemonScheduler.named("keycloak-guard-revocation-heartbeat");

    private volatile Map<String, String> realmNamesById = Map.of();
    private volatile long realmsReadAt;
    private volatile boolean failing;
    private volatile long lastWrittenMillis;

    RevocationHeartbeat(KeycloakSessionFactory factory, RevocationSettings settings, String node) {
        this.factory = factory;
        this.settings = settings;
        this.node = node;
    }

    void start() {
        long interval = settings.heartbeatInterval().toMillis();
        executor.scheduleWithFixedDelay(this::beatQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    void stop() {
        executor.shutdownNow();
    }

    /** A realm got or lost the listener, or was renamed: read the list again at the next beat. */
    void realmsChanged() {
        realmsReadAt = 0;
    }

    /** When this node last wrote a heartbeat (epoch ms; 0: never), for the status endpoint. */
    long lastWrittenMillis() {
        return lastWrittenMillis;
    }

    private void beatQuietly() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, this::beat);
            if (failing) {
                failing = false;
                LOG.info("Keycloak Guard: revocation heartbeats are written again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                // Readers see their staleness grow: this is what they are told to alarm on; say why here, once.
                LOG.warnf("Keycloak Guard: cannot write the revocation heartbeat (%s); resource servers will see the "
                        + "feed go stale until it works again", e.getMessage());
            }
        }
    }

    void beat(KeycloakSession session) {
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        if (!redis.isAvailable()) {
            throw new IllegalStateException("Redis is unreachable");
        }
        long now = System.currentTimeMillis();
        Map<String, String> realms = realms(session, now);
        if (realms.isEmpty()) {
            return;
        }
        Map<String, Long> oldestPending = oldestPendingByRealm(session);
        Set<String> withLiveRecords = realmsWithLiveRecords(session, now / 1000);
        RevocationPublisher publisher = new RevocationPublisher(redis.settings().keyPrefix(), RevocationPublisher.DEFAULT_STREAM_MAX_LENGTH);
        redis.execute(jedis -> {
            realms.forEach((id, name) -> {
                Long oldest = oldestPending.get(id);
                long drainedTo = oldest == null ? now : Math.min(now, oldest - 1);
                publisher.heartbeat(jedis, name, drainedTo, now, node, withLiveRecords.contains(id));
            });
            return null;
        });
        lastWrittenMillis = now;
    }

    private Map<String, String> realms(KeycloakSession session, long now) {
        if (now - realmsReadAt > REALMS_REFRESH_MILLIS) {
            Map<String, String> names = new HashMap<>();
            session.realms().getRealmsStream()
                    .filter(RevocationHeartbeat::hasListener)
                    .forEach(r -> names.put(r.getId(), r.getName()));
            realmNamesById = Map.copyOf(names);
            realmsReadAt = now;
        }
        return realmNamesById;
    }

    static boolean hasListener(RealmModel realm) {
        return realm.getEventsListenersStream().anyMatch(Revocations.LISTENER_ID::equals);
    }

    /** Realms whose ledger holds records that have not expired. */
    static Set<String> realmsWithLiveRecords(KeycloakSession session, long nowSeconds) {
        return new HashSet<>(session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select distinct r.realmId from GuardRevocationEntity r where r.expiresAt >= :now", String.class)
                .setParameter("now", nowSeconds).getResultList());
    }

    /** Creation time (epoch ms) of the oldest undelivered revocation of each realm that has one. */
    static Map<String, Long> oldestPendingByRealm(KeycloakSession session) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        List<Object[]> rows = em.createQuery("select e.realmId, min(e.createdAt) from GuardOutboxEntity e"
                        + " where e.topic = :topic group by e.realmId", Object[].class)
                .setParameter("topic", Revocations.TOPIC)
                .getResultList();
        Map<String, Long> oldest = new HashMap<>();
        for (Object[] row : rows) {
            oldest.put((String) row[0], ((Number) row[1]).longValue());
        }
        return oldest;
    }
}
