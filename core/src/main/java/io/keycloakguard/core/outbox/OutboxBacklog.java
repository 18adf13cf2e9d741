package io.keycloakguard.core.outbox;

import jakarta.persistence.EntityManager;
import org.keycloak.models.KeycloakSession;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How many outbox records of a realm wait per topic, and how old the oldest is: for the status endpoint and metrics. */
public final class OutboxBacklog {

    public record Topic(long pending, long oldestAgeSeconds) {
    }

    private OutboxBacklog() {
    }

    /** Across all realms. */
    static Map<String, Topic> all(KeycloakSession session) {
        return collect(OutboxStore.em(session).createQuery("select e.topic, count(e), min(e.createdAt)"
                + " from GuardOutboxEntity e group by e.topic", Object[].class).getResultList());
    }

    public static Map<String, Topic> of(KeycloakSession session, String realmId) {
        EntityManager em = OutboxStore.em(session);
        List<Object[]> rows = em.createQuery("select e.topic, count(e), min(e.createdAt) from GuardOutboxEntity e"
                        + " where e.realmId = :realmId group by e.topic", Object[].class)
                .setParameter("realmId", realmId)
                .getResultList();
        return collect(rows);
    }

    private static Map<String, Topic> collect(List<Object[]> rows) {
        long now = System.currentTimeMillis();
        Map<String, Topic> backlog = new LinkedHashMap<>();
        for (Object[] row : rows) {
            long oldest = ((Number) row[2]).longValue();
            backlog.put((String) row[0], new Topic(((Number) row[1]).longValue(), Math.max(0, (now - oldest) / 1000)));
        }
        return backlog;
    }
}
