package io.keycloakguard.core.sessions;

import io.keycloakguard.core.revocation.Revocations;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ends sessions for good, the one way every feature of the pack does it: Keycloak's backchannel logout to
 * every client of the session (and the broker), removal of its offline twin, and a revocation for resource
 * servers, all in the caller's transaction.
 */
public final class SessionEnding {

    private static final String ENDED_ATTRIBUTE = SessionEnding.class.getName() + ".ended";

    private final KeycloakSession session;
    private final RealmModel realm;

    public SessionEnding(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Ends one session (online or offline, with its twin of the other kind) of {@code owner}. */
    public void end(UserModel owner, UserSessionModel target, String reason) {
        end(owner, target, reason, false);
    }

    /**
     * Like {@link #end}, but the clients (and the broker) hear of it only once the caller's transaction has
     * committed ({@link BackchannelAfterCommit}): for callers that hold a lock or run inside a login, which a slow
     * back-channel logout URL must not hold up. The session itself is gone, and revoked, within the transaction.
     */
    public void endLoggingOutClientsAfterCommit(UserModel owner, UserSessionModel target, String reason) {
        end(owner, target, reason, true);
    }

    private void end(UserModel owner, UserSessionModel target, String reason, boolean clientsAfterCommit) {
        if (!isOf(owner, target)) {
            throw new IllegalArgumentException("Not a session of user " + owner.getId());
        }
        String id = target.getId();
        UserSessionModel online = target.isOffline() ? session.sessions().getUserSession(realm, id) : target;
        UserSessionModel offline = target.isOffline() ? target : session.sessions().getOfflineUserSession(realm, id);
        if (isOf(owner, offline)) {
            session.sessions().removeOfflineUserSession(realm, offline);
        }
        if (isOf(owner, online) && clientsAfterCommit) {
            BackchannelAfterCommit later = new BackchannelAfterCommit(session, realm, online);
            session.sessions().removeUserSession(realm, online);
            if (later.hasRecipients()) {
                session.getTransactionManager().enlistAfterCompletion(later);
            }
        } else if (isOf(owner, online)) {
            var context = session.getContext();
            AuthenticationManager.backchannelLogout(session, realm, online, context.getUri(), context.getConnection(),
                    context.getRequestHeaders(), true);
        }
        new Revocations(session).revokeSession(realm, id, reason);
        endedInThisRequest(session).add(id);
    }

    /**
     * Ends every session of the user, online and offline, and revokes every token issued to the user up to
     * now (which also covers sessions another node has not stored yet). Returns how many sessions ended.
     */
    public int endAll(UserModel user, String reason) {
        List<UserSessionModel> online = session.sessions().getUserSessionsStream(realm, user).toList();
        List<UserSessionModel> offline = session.sessions().getOfflineUserSessionsStream(realm, user).toList();
        Set<String> ended = new HashSet<>();
        for (UserSessionModel s : online) {
            if (ended.add(s.getId())) {
                end(user, s, reason);
            }
        }
        for (UserSessionModel s : offline) {
            if (ended.add(s.getId())) {
                end(user, s, reason);
            }
        }
        new Revocations(session).revokeUser(realm, user.getId(), reason);
        return ended.size();
    }

    /**
     * Sessions ended earlier in this request. Their database rows go only when the request's transaction
     * completes, so a count in the same request must leave them out itself.
     */
    @SuppressWarnings("unchecked")
    public static Set<String> endedInThisRequest(KeycloakSession session) {
        Set<String> ended = session.getAttribute(ENDED_ATTRIBUTE, Set.class);
        if (ended == null) {
            ended = new HashSet<>();
            session.setAttribute(ENDED_ATTRIBUTE, ended);
        }
        return ended;
    }

    private static boolean isOf(UserModel user, UserSessionModel s) {
        return s != null && s.getUser() != null && user.getId().equals(s.getUser().getId());
    }
}
