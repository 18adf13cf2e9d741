package io.keycloakguard.sessionlimits.reservation;

import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/**
 * The slots granted to a user's logins whose sessions may not be stored yet. Only used while the
 * caller holds the user's lock, so the rows of one user never see concurrent writers.
 */
public final class SessionReservations {

    private static final Logger LOG = Logger.getLogger(SessionReservations.class);

    /**
     * The longest a granted slot counts without a stored session. Normally a reservation is settled (deleted)
     * right after Keycloak stored the session; one whose session is not stored by the end of the request
     * (a flow that continues after the limiter, e.g. an OTP step, or Keycloak's own write failing) counts
     * this long.
     */
    public static final long TTL_SECONDS = 60;

    private final EntityManager em;
    private final RealmModel realm;
    private final UserModel user;
    /** What {@link #pending} read of the new session's reservation: its id and row (null: none). */
    private String readFor;
    private SessionReservationEntity readRow;

    public SessionReservations(KeycloakSession session, RealmModel realm, UserModel user) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        this.realm = realm;
        this.user = user;
    }

    /**
     * Session ids of slots still pending (younger than the TTL); for a client scope, only that client's. The same
     * statement reads the reservation of {@code newSessionId}, if any, for {@link #reserve}; expired rows of the user
     * are deleted (only when there are some: normally every reservation is settled long before it expires).
     */
    public List<String> pending(String clientScope, long nowSeconds, String newSessionId) {
        long expired = nowSeconds - TTL_SECONDS;
        List<SessionReservationEntity> rows = em.createQuery("select r from SessionReservationEntity r"
                        + " where r.userId = :user or r.sessionId = :session", SessionReservationEntity.class)
                .setParameter("user", user.getId()).setParameter("session", newSessionId).getResultList();
        if (rows.stream().anyMatch(r -> user.getId().equals(r.getUserId()) && r.getCreatedAt() < expired)) {
            rows.forEach(em::detach); // the bulk delete bypasses the persistence context
            em.createQuery("delete from SessionReservationEntity r where r.userId = :user and r.createdAt < :expired")
                    .setParameter("user", user.getId()).setParameter("expired", expired)
                    .executeUpdate();
            rows = em.createQuery("select r from SessionReservationEntity r"
                            + " where r.userId = :user or r.sessionId = :session", SessionReservationEntity.class)
                    .setParameter("user", user.getId()).setParameter("session", newSessionId).getResultList();
        }
        readFor = newSessionId;
        readRow = rows.stream().filter(r -> newSessionId.equals(r.getSessionId())).findFirst().orElse(null);
        return rows.stream()
                .filter(r -> user.getId().equals(r.getUserId()))
                .filter(r -> clientScope == null || clientScope.equals(r.getClientId()))
                .map(SessionReservationEntity::getSessionId).toList();
    }

    public void reserve(String sessionId, String clientId, long nowSeconds) {
        // pending() read this session's row (or its absence) in this transaction: no second look.
        SessionReservationEntity r = sessionId.equals(readFor) && (readRow == null || em.contains(readRow)) ? readRow
                : em.find(SessionReservationEntity.class, sessionId);
        if (r == null) {
            r = new SessionReservationEntity();
            r.setSessionId(sessionId);
            r.setUserId(user.getId());
            r.setRealmId(realm.getId());
            em.persist(r);
        }
        r.setClientId(clientId);
        r.setCreatedAt(nowSeconds);
    }

    public void release(String sessionId) {
        em.createQuery("delete from SessionReservationEntity r where r.sessionId = :id and r.userId = :user")
                .setParameter("id", sessionId).setParameter("user", user.getId()).executeUpdate();
    }

    /**
     * Deletes the reservation once Keycloak has stored its session. Runs after the login's transaction
     * completed: enlisted during the flow, it runs after Keycloak's own after-completion work, which was
     * enlisted when the request first touched sessions and which stores the new session.
     */
    public static KeycloakTransaction settleAfterCompletion(KeycloakSessionFactory factory,
                                                           String userId, String sessionId) {
        return new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, s -> {
                        EntityManager em = s.getProvider(JpaConnectionProvider.class).getEntityManager();
                        // Asked of the database, not of Keycloak's session cache: other nodes count from
                        // the database, and the cache can hold the session before its row is committed.
                        // Online or offline: an offline_access login may leave only its offline row.
                        // One statement: the check and the delete see the same committed rows.
                        em.createQuery("delete from SessionReservationEntity r where r.sessionId = :id and r.userId = :user"
                                        + " and exists (select p.userSessionId from PersistentUserSessionEntity p"
                                        + " where p.userSessionId = :id)")
                                .setParameter("id", sessionId).setParameter("user", userId).executeUpdate();
                    });
                } catch (RuntimeException e) {
                    // The reservation then expires after TTL_SECONDS; the login itself has succeeded.
                    LOG.debugf(e, "Could not settle the session reservation of user %s", userId);
                }
            }

            @Override
            protected void rollbackImpl() {
                // The reservation was rolled back with the login.
            }
        };
    }

    public static void forgetRealm(KeycloakSession session, String realmId) {
        session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("delete from SessionReservationEntity r where r.realmId = :realm")
                .setParameter("realm", realmId).executeUpdate();
    }

    public static void forgetUser(KeycloakSession session, String userId) {
        session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("delete from SessionReservationEntity r where r.userId = :user")
                .setParameter("user", userId).executeUpdate();
    }
}
