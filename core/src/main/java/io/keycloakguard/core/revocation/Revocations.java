package io.keycloakguard.core.revocation;

import io.keycloakguard.core.outbox.OutboxProvider;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKind;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import io.keycloakguard.core.audit.AuditSignals;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one way the pack revokes: every source (logout events, admin actions, session limits, "this wasn't
 * me", network binding) calls this, and the revocation is written to the outbox in the caller's
 * transaction, then published to Redis after the commit.
 */
public final class Revocations {

    /** The outbox topic of revocations. */
    public static final String TOPIC = "revocation";

    /** Every user of the realm: the subject of a USER revocation that covers all of them (logout-all). */
    public static final String ALL_USERS = io.keycloakguard.revocation.contract.Revocation.ALL_USERS;

    /** Tokens may be accepted a little after their exp by resource servers with clock skew. */
    static final long CLOCK_SKEW_SECONDS = 60;

    private final KeycloakSession session;

    public Revocations(KeycloakSession session) {
        this.session = session;
    }

    public void revokeSession(RealmModel realm, String sessionId, String reason) {
        write(realm, RevocationKind.SESSION, sessionId, null, now(), reason, coverAllTokensIssuedUntilNow(realm));
    }

    /** Every token of the user issued up to and including the current second. */
    public void revokeUser(RealmModel realm, String userId, String reason) {
        write(realm, RevocationKind.USER, userId, null, now(), reason, coverAllTokensIssuedUntilNow(realm));
    }

    /**
     * Every token of the user issued before the current second. For changes the user makes inside a login
     * flow (a new password), where the token issued right after, in the same second, must stay valid.
     */
    public void revokeUserTokensOfEarlierSeconds(RealmModel realm, String userId, String reason) {
        write(realm, RevocationKind.USER, userId, null, now() - 1, reason, coverAllTokensIssuedUntilNow(realm));
    }

    public void revokeAllUsers(RealmModel realm, String reason) {
        revokeUser(realm, ALL_USERS, reason);
    }

    public void revokeClientGrant(RealmModel realm, String userId, String clientId, String reason) {
        write(realm, RevocationKind.CLIENT_GRANT, userId, clientId, now(), reason, coverAllTokensIssuedUntilNow(realm));
    }

    /** One token, remembered as long as any access token of the realm can live. */
    public void revokeToken(RealmModel realm, String tokenId, String reason) {
        write(realm, RevocationKind.TOKEN, tokenId, null, now(), reason, coverAllTokensIssuedUntilNow(realm));
    }

    private void write(RealmModel realm, RevocationKind kind, String subject, String client, long time, String reason,
                       long expiresAt) {
        Revocation r = Revocation.of(realm.getName(), kind, subject, client, time, expiresAt, reason);
        session.getProvider(OutboxProvider.class).add(TOPIC, realm.getId(), r.toJson());
        // Kept until it expires, for a Redis that loses its data (RevocationRepublisher).
        GuardRevocationEntity live = new GuardRevocationEntity();
        live.setId(r.id());
        live.setRealmId(realm.getId());
        live.setPayload(r.toJson());
        live.setExpiresAt(expiresAt);
        session.getProvider(JpaConnectionProvider.class).getEntityManager().persist(live);
        audit(realm, r);
    }

    /** "Revocations issued" in the realm's audit trail, with the user when the subject names one. */
    private void audit(RealmModel realm, Revocation r) {
        if (!AuditSignals.enabled(realm)) {
            return;
        }
        String userId = switch (r.kind()) {
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
        details.put("reason", r.reason() == null ? "" : r.reason());
        details.put("not_before", String.valueOf(r.time()));
        AuditSignals.record(session, realm, "revocation.issued", userId, details);
    }

    /** A token issued just now lives at most this long: the longest access-token lifespan of the realm. */
    static long coverAllTokensIssuedUntilNow(RealmModel realm) {
        long lifespan = Math.max(realm.getAccessTokenLifespan(), realm.getAccessTokenLifespanForImplicitFlow());
        return now() + lifespan + CLOCK_SKEW_SECONDS;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
