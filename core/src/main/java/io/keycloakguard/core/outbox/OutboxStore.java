package io.keycloakguard.core.outbox;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The outbox table's statements, in the caller's transaction: find and claim due rows, delete delivered ones, put
 * failed ones back with a backoff, make waiting rows due. Several nodes drain the same table: a node claims rows
 * with one conditional update, and the claim id it wrote tells which rows it won.
 */
final class OutboxStore {

    /** Which topics a pass takes: all, only the given ones, or all but the given ones. */
    enum Topics {
        ALL(""), ONLY(" and e.topic in :topics"), ALL_BUT(" and e.topic not in :topics");

        private final String condition;

        Topics(String condition) {
            this.condition = condition;
        }
    }

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
    private static final String MAKE_DUE = "update GuardOutboxEntity e set e.nextAttemptAt = :now"
            + " where e.topic in :topics and e.nextAttemptAt > :now";

    private final EntityManager em;

    OutboxStore(KeycloakSession session) {
        this.em = em(session);
    }

    static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** Claims up to {@code batchSize} due rows of the topics for {@code claim} until {@code claimedUntil}. */
    List<OutboxRecord> claimDue(Topics which, Set<String> topics, long now, int batchSize, String claim,
                                long claimedUntil) {
        TypedQuery<GuardOutboxEntity> query = em.createQuery(DUE + which.condition + DUE_ORDER, GuardOutboxEntity.class)
                .setParameter("now", now)
                .setMaxResults(batchSize);
        if (which != Topics.ALL) {
            query.setParameter("topics", topics);
        }
        List<GuardOutboxEntity> due = query.getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        List<String> ids = due.stream().map(GuardOutboxEntity::getId).toList();
        em.createQuery(CLAIM)
                .setParameter("claim", claim)
                .setParameter("until", claimedUntil)
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

    void delete(List<OutboxRecord> delivered) {
        em.createQuery(DELETE).setParameter("ids", delivered.stream().map(OutboxRecord::id).toList()).executeUpdate();
    }

    /** Unclaims rows whose delivery failed and pushes their next attempt back by the backoff. */
    void release(List<OutboxRecord> failed, long now, Backoff backoff) {
        for (OutboxRecord r : failed) {
            GuardOutboxEntity entry = em.find(GuardOutboxEntity.class, r.id());
            if (entry == null) {
                continue;
            }
            int attempts = entry.getAttempts() + 1;
            entry.setAttempts(attempts);
            entry.setNextAttemptAt(now + backoff.delayMillis(attempts));
            entry.setClaimedBy(null);
            entry.setClaimedUntil(null);
        }
    }

    /** Makes the rows of these topics that wait out a backoff due now. */
    int makeDue(Set<String> topics, long now) {
        return em.createQuery(MAKE_DUE).setParameter("now", now).setParameter("topics", topics).executeUpdate();
    }
}
