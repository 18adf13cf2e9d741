package io.keycloakguard.core.revocation;

import io.keycloakguard.core.outbox.OutboxSink;
import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.revocation.contract.Heartbeat;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The revocation feed of a realm as the status endpoint shows it: is the listener on, how old is the heartbeat
 * resource servers see (the number they alarm on), how many records are live, how long they are kept, and what
 * this node repaired.
 */
public final class RevocationFeedStatus {

    private RevocationFeedStatus() {
    }

    public static Map<String, Object> of(KeycloakSession session, RealmModel realm) {
        RevocationSinkFactory sink = (RevocationSinkFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(OutboxSink.class, Revocations.TOPIC);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("listenerEnabled", RevocationHeartbeat.hasListener(realm));
        long now = System.currentTimeMillis();
        status.put("heartbeat", heartbeat(session, realm, now));
        long lastWritten = sink.lastHeartbeatMillis();
        status.put("thisNodeLastHeartbeatAgeMillis", lastWritten == 0 ? null : now - lastWritten);
        status.put("liveRecords", session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select count(r) from GuardRevocationEntity r where r.realmId = :realm and r.expiresAt >= :now",
                        Long.class)
                .setParameter("realm", realm.getId()).setParameter("now", now / 1000).getSingleResult());
        RevocationCoverage coverage = sink.coverage();
        status.put("recordLifetimeSeconds", coverage.seconds(session, realm) + coverage.skewSeconds());
        long[] repaired = sink.ledgerCounters();
        status.put("thisNode", Map.of("republishedAfterDataLoss", repaired[0], "republishedAfterFailover", repaired[1],
                "extendedAfterLifetimeRaise", repaired[2]));
        return status;
    }

    private static Map<String, Object> heartbeat(KeycloakSession session, RealmModel realm, long now) {
        Map<String, Object> result = new LinkedHashMap<>();
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        if (!redis.isAvailable()) {
            result.put("readable", false);
            return result;
        }
        try {
            RevocationPublisher publisher = new RevocationPublisher(redis.settings().keyPrefix(),
                    RevocationPublisher.DEFAULT_STREAM_MAX_LENGTH);
            Optional<Heartbeat> heartbeat = redis.execute(jedis -> publisher.readHeartbeat(jedis, realm.getName()));
            result.put("readable", true);
            heartbeat.ifPresent(h -> {
                result.put("ageMillis", Math.max(0, now - h.drainedToMillis()));
                result.put("drainedTo", h.drainedToMillis());
                result.put("node", h.node());
                result.put("revision", h.revision());
            });
        } catch (RuntimeException e) {
            result.put("readable", false);
        }
        return result;
    }
}
