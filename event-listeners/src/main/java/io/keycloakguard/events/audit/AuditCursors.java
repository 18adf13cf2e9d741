package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.GuardAuditCursorEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Per-realm positions in GUARD_AUDIT_CURSOR, locked for the rest of the caller's transaction. */
final class AuditCursors {

    /** The cursor holding each realm's chain head. */
    static final String CHAIN = "chain";

    private AuditCursors() {
    }

    static GuardAuditCursorEntity lock(KeycloakSession session, String name, String realmId) {
        EntityManager em = em(session);
        String id = GuardAuditCursorEntity.idOf(name, realmId);
        GuardAuditCursorEntity cursor = em.find(GuardAuditCursorEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (cursor != null) {
            return cursor;
        }
        create(session, name, realmId, id);
        cursor = em.find(GuardAuditCursorEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (cursor == null) {
            throw new IllegalStateException("cannot create the audit cursor " + id);
        }
        return cursor;
    }

    /** In a transaction of its own, so that another node creating the same row first fails only this one. */
    private static void create(KeycloakSession session, String name, String realmId, String id) {
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> {
                if (em(s).find(GuardAuditCursorEntity.class, id) == null) {
                    GuardAuditCursorEntity row = new GuardAuditCursorEntity();
                    row.setId(id);
                    row.setName(name);
                    row.setRealmId(realmId);
                    row.setSeq(0);
                    em(s).persist(row);
                }
            });
        } catch (RuntimeException e) {
            // Most likely created concurrently; the caller's find tells.
        }
    }

    static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
