package io.keycloakguard.core.revocation;

import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.core.revocation.RevocationPublisher;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives Redis every live revocation again after it lost its data. The pack keeps a marker key
 * ({@code <prefix>rev:v1:epoch}) in Redis; when a check finds it missing while Redis answers, Redis is
 * empty or new, and every live revocation of the ledger ({@code GUARD_REVOCATION}) is published again
 * (publishing is idempotent, so nodes that do this at the same time do no harm). Expired ledger rows are
 * deleted on the way.
 */
final class RevocationRepublisher {

    private static final Logger LOG = Logger.getLogger(RevocationRepublisher.class);
    private static final int PAGE = 500;

    private final KeycloakSessionFactory factory;
    private final long intervalMillis;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keycloak-guard-revocation-ledger");
        t.setDaemon(true);
        return t;
    });

    RevocationRepublisher(KeycloakSessionFactory factory, long intervalMillis) {
        this.factory = factory;
        this.intervalMillis = intervalMillis;
    }

    void start() {
        executor.scheduleWithFixedDelay(this::checkQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        executor.shutdownNow();
    }

    private void checkQuietly() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, this::check);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Revocation ledger check failed; retrying in %d ms", intervalMillis);
        }
    }

    /** One check: forget expired rows; if Redis lost the marker, republish everything live. */
    void check(KeycloakSession session) {
        long now = System.currentTimeMillis() / 1000;
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        em.createQuery("delete from GuardRevocationEntity r where r.expiresAt < :now").setParameter("now", now)
                .executeUpdate();
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        if (!redis.isAvailable()) {
            return;
        }
        String marker = redis.settings().keyPrefix() + "rev:v1:epoch";
        if (redis.execute(jedis -> jedis.exists(marker))) {
            return;
        }
        RevocationPublisher publisher = new RevocationPublisher(redis.settings().keyPrefix(),
                RevocationPublisher.DEFAULT_STREAM_MAX_LENGTH);
        int republished = 0;
        for (int first = 0; ; first += PAGE) {
            List<String> page = em.createQuery("select r.payload from GuardRevocationEntity r where r.expiresAt >= :now"
                            + " order by r.id", String.class)
                    .setParameter("now", now).setFirstResult(first).setMaxResults(PAGE).getResultList();
            if (page.isEmpty()) {
                break;
            }
            redis.execute(jedis -> {
                for (String payload : page) {
                    publisher.publish(jedis, Revocation.fromJson(payload), now);
                }
                return null;
            });
            republished += page.size();
        }
        redis.execute(jedis -> jedis.set(marker, UUID.randomUUID().toString()));
        if (republished > 0) {
            LOG.infof("Keycloak Guard: Redis had lost its revocation data; republished %d live revocations", republished);
        }
    }
}
