package io.keycloakguard.core.revocation;

import io.keycloakguard.core.audit.GuardSignals;
import io.keycloakguard.core.audit.AuditSignals;
import io.keycloakguard.core.outbox.OutboxProvider;
import io.keycloakguard.core.outbox.OutboxSink;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKind;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one way the pack revokes: every source (logout events, admin actions, not-before, session limits, "this
 * wasn't me", network binding) calls this, and the revocation is written to the outbox and the ledger in the
 * caller's transaction, then published to Redis after the commit.
 *
 * <p>Each record lives until no token it covers can still be accepted (docs/revocation-contract.md, "Lifetimes"):
 * a token record until that token's own expiry, the others for the realm's longest access-token lifetime
 * ({@link RevocationCoverage}) after their time, plus the clock skew (option {@code clock-skew}, 60 s).
 */
public final class Revocations {

    /** The outbox topic of revocations. */
    public static final String TOPIC = "revocation";

    /** The event listener that turns Keycloak's events into revocations; realms with it get heartbeats. */
    public static final String LISTENER_ID = "guard-revocation";

    /** Every user of the realm: the subject of a USER revocation that covers all of them (logout-all). */
    public static final String ALL_USERS = Revocation.ALL_USERS;

    private final KeycloakSession session;

    public Revocations(KeycloakSession session) {
        this.session = session;
    }

    public void revokeSession(RealmModel realm, String sessionId, String reason) {
        revokeSession(realm, sessionId, null, reason);
    }

    /**
     * @param userId the session's user when the caller knows it (a LOGOUT event names it, and Keycloak has removed the
     *               session by then, so looking it up finds nothing), else null: then the session is looked up
     */
    public void revokeSession(RealmModel realm, String sessionId, String userId, String reason) {
        long now = now();
        write(realm, Revocation.of(realm.getName(), RevocationKind.SESSION, sessionId, null, now, coveredUntil(realm, now), reason),
                userId);
    }

    /** Every token of the user issued up to and including the current second. */
    public void revokeUser(RealmModel realm, String userId, String reason) {
        long now = now();
        write(realm, Revocation.of(realm.getName(), RevocationKind.USER, userId, null, now, coveredUntil(realm, now), reason));
    }

    /**
     * Every token of the user issued before the current second. For changes the user makes inside a login
     * flow (a new password), where the token issued right after, in the same second, must stay valid.
     */
    public void revokeUserTokensOfEarlierSeconds(RealmModel realm, String userId, String reason) {
        long time = now() - 1;
        write(realm, Revocation.of(realm.getName(), RevocationKind.USER, userId, null, time, coveredUntil(realm, time), reason));
    }

    public void revokeAllUsers(RealmModel realm, String reason) {
        revokeUser(realm, ALL_USERS, reason);
    }

    public void revokeClientGrant(RealmModel realm, String userId, String clientId, String reason) {
        long now = now();
        write(realm, Revocation.of(realm.getName(), RevocationKind.CLIENT_GRANT, userId, clientId, now,
                coveredUntil(realm, now), reason));
    }

    /** Every token issued to the client up to now, whoever the user (the client was disabled or deleted). */
    public void revokeClient(RealmModel realm, String clientId, String reason) {
        long now = now();
        write(realm, Revocation.of(realm.getName(), RevocationKind.CLIENT, clientId, null, now, coveredUntil(realm, now), reason));
    }

    /**
     * The realm's not-before ("Set to now", "Push"): Keycloak rejects tokens with {@code iat < notBefore}, so the
     * record's time is {@code notBefore - 1}. The same not-before written twice (a push after "Set to now") is one
     * record: its id is derived from the realm and the value (and fits the ledger's 64-character id).
     */
    public void revokeRealmNotBefore(RealmModel realm, int notBefore) {
        if (notBefore > 0) {
            writeOnce(realm, "rnb:" + realm.getId() + ":" + notBefore, RevocationKind.USER, ALL_USERS,
                    notBefore - 1L, "realm-not-before");
        }
    }

    /** A client's not-before, as {@link #revokeRealmNotBefore} for the realm's. */
    public void revokeClientNotBefore(RealmModel realm, String clientUuid, String clientId, int notBefore) {
        if (notBefore > 0) {
            writeOnce(realm, "cnb:" + clientUuid + ":" + notBefore, RevocationKind.CLIENT, clientId,
                    notBefore - 1L, "client-not-before");
        }
    }

    /**
     * One access token.
     *
     * @param tokenExpiresAt the token's own {@code exp} (epoch seconds), or 0 when unknown: then it is remembered for
     *                       the realm's longest access-token lifetime
     */
    public void revokeToken(RealmModel realm, String tokenId, long tokenExpiresAt, String reason) {
        long now = now();
        long until = tokenExpiresAt > 0 ? tokenExpiresAt + coverage().skewSeconds() : coveredUntil(realm, now);
        write(realm, Revocation.of(realm.getName(), RevocationKind.TOKEN, tokenId, null, now, until, reason));
    }

    private void writeOnce(RealmModel realm, String id, RevocationKind kind, String subject, long time, String reason) {
        if (em().find(GuardRevocationEntity.class, id) != null) {
            return;
        }
        write(realm, new Revocation(id, realm.getName(), kind, subject, null, time, coveredUntil(realm, time), reason));
    }

    /** The record, in the outbox for Redis and in the ledger for a Redis that loses it, in the caller's transaction. */
    void write(RealmModel realm, Revocation r) {
        write(realm, r, null);
    }

    private void write(RealmModel realm, Revocation r, String knownUserId) {
        session.getProvider(OutboxProvider.class).add(TOPIC, realm.getId(), r.toJson());
        em().persist(GuardRevocationEntity.of(realm.getId(), r, System.currentTimeMillis()));
        audit(realm, r, knownUserId);
    }

    /** Until when a record of the given time must live: the time plus the realm's coverage plus the skew. */
    long coveredUntil(RealmModel realm, long time) {
        RevocationCoverage coverage = coverage();
        return time + coverage.seconds(session, realm) + coverage.skewSeconds();
    }

    private RevocationCoverage coverage() {
        return ((RevocationSinkFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(OutboxSink.class, TOPIC)).coverage();
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** "Revocations issued" in the realm's audit trail, with the user when the subject names one. */
    private void audit(RealmModel realm, Revocation r, String knownUserId) {
        if (!AuditSignals.enabled(realm)) {
            return;
        }
        String userId = knownUserId != null ? knownUserId : switch (r.kind()) {
            case USER, CLIENT_GRANT -> r.subject();
            case SESSION -> {
                UserSessionModel userSession = session.sessions().getUserSession(realm, r.subject());
                yield userSession == null ? null : userSession.getUser().getId();
            }
            default -> null;
        };
        Map<String, String> details = new TreeMap<>();
        details.put("revocation_id", r.id());
        details.put("revocation_kind", r.kind().wireName());
        details.put("subject", r.subject());
        if (r.client() != null) {
            details.put("client", r.client());
        }
        details.put("reason", r.reason());
        details.put("not_before", String.valueOf(r.time()));
        AuditSignals.record(session, realm, GuardSignals.REVOCATION_ISSUED, userId, details);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
