package io.keycloakguard.authenticators.ratelimit;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attempts this request's admission recorded before the password was tried. If the login fails, the failure
 * counter finds the entry here and counts nothing more (the entry is the failure); if it does not fail, the entry is
 * given back when the request ends. Keycloak sends a LOGIN_ERROR to listeners at once, in a session of its own but
 * on the request's thread (EventBuilder.error → runJobInTransaction), so the request's entries are kept per thread,
 * and dropped at the end of the request's transaction, committed or not.
 */
final class Reservations {

    private static final ThreadLocal<Held> CURRENT = new ThreadLocal<>();

    private record Entry(FailureLedger ledger, String realmId, String subject, String member) {
    }

    private static final class Held {
        final KeycloakSession session;
        /** Entries to give back at the end, unless a failure consumed them. */
        final Map<String, Entry> open = new LinkedHashMap<>();
        /** Everything admitted in this request, consumed or not. */
        final java.util.Set<String> admitted = new java.util.HashSet<>();

        Held(KeycloakSession session) {
            this.session = session;
        }
    }

    private Reservations() {
    }

    /** Notes an admitted attempt of this request; the first one arranges the hand-back at the request's end. */
    static void add(KeycloakSession session, FailureLedger ledger, String realmId, String subject, String member) {
        Held held = CURRENT.get();
        if (held == null || held.session != session) {
            Held fresh = new Held(session);
            CURRENT.set(fresh);
            held = fresh;
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    finish(fresh);
                }

                @Override
                protected void rollbackImpl() {
                    finish(fresh);
                }
            });
        }
        held.open.put(id(realmId, subject), new Entry(ledger, realmId, subject, member));
        held.admitted.add(id(realmId, subject));
    }

    /** Whether this request already admitted an attempt of the subject (then it is not checked twice). */
    static boolean holds(KeycloakSession session, String realmId, String subject) {
        Held held = CURRENT.get();
        return held != null && held.session == session && held.admitted.contains(id(realmId, subject));
    }

    /**
     * Called for a failed login on the request's thread: true when this request's admission already recorded it
     * (the entry stays, nothing more is counted), false when the failure must be recorded.
     */
    static boolean consume(String realmId, String subject) {
        Held held = CURRENT.get();
        return held != null && held.open.remove(id(realmId, subject)) != null;
    }

    private static void finish(Held held) {
        try {
            for (Entry e : held.open.values()) {
                try {
                    e.ledger().release(e.realmId(), e.subject(), e.member());
                    RedisOutage.over();
                } catch (RuntimeException ex) {
                    // Left in Redis, the entry counts as a failure until its window ends: the safe side.
                    RedisOutage.noticed(ex);
                }
            }
        } finally {
            held.open.clear();
            held.admitted.clear();
            if (CURRENT.get() == held) {
                CURRENT.remove();
            }
        }
    }

    private static String id(String realmId, String subject) {
        return realmId + ' ' + subject;
    }
}
