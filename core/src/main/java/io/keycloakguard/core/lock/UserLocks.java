package io.keycloakguard.core.lock;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A per-user lock that every Keycloak node sharing the database respects: a row lock taken in the
 * caller's transaction and held until it commits or rolls back. Two logins of one user on any nodes
 * run the code after {@link #lock} one after the other, each seeing what the other committed.
 */
public final class UserLocks {

    private UserLocks() {
    }

    /** Blocks until this transaction holds the user's lock; it is released when the transaction ends. */
    public static void lock(KeycloakSession session, RealmModel realm, UserModel user) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        if (em.find(GuardUserLockEntity.class, user.getId(), LockModeType.PESSIMISTIC_WRITE) != null) {
            return;
        }
        createRow(session, realm.getId(), user.getId());
        if (em.find(GuardUserLockEntity.class, user.getId(), LockModeType.PESSIMISTIC_WRITE) == null) {
            throw new IllegalStateException("Cannot create the lock row of user " + user.getId());
        }
    }

    /** Removes the user's row, e.g. when the user is deleted. */
    public static void forget(KeycloakSession session, String userId) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        em.createQuery("delete from GuardUserLockEntity l where l.userId = :userId")
                .setParameter("userId", userId).executeUpdate();
    }

    /** Removes the rows of a realm's users, e.g. when the realm is deleted (its users go without an event each). */
    public static void forgetRealm(KeycloakSession session, String realmId) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        em.createQuery("delete from GuardUserLockEntity l where l.realmId = :realmId")
                .setParameter("realmId", realmId).executeUpdate();
    }

    /**
     * In a transaction of its own, so that a concurrent insert of the same row (a duplicate key) fails
     * that short transaction and never the caller's login transaction.
     */
    private static void createRow(KeycloakSession session, String realmId, String userId) {
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> {
                EntityManager em = s.getProvider(JpaConnectionProvider.class).getEntityManager();
                if (em.find(GuardUserLockEntity.class, userId) == null) {
                    GuardUserLockEntity row = new GuardUserLockEntity();
                    row.setUserId(userId);
                    row.setRealmId(realmId);
                    em.persist(row);
                }
            });
        } catch (RuntimeException e) {
            // Most likely another login created the row first (duplicate key); the caller checks it exists.
        }
    }
}
