package io.keycloakguard.sessionlimits.sessions;

import io.keycloakguard.sessionlimits.policy.SessionSummary;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.device.DeviceActivityManager;
import org.keycloak.models.AuthenticatedClientSessionModel;
import io.keycloakguard.core.rest.RequestInputs;
import io.keycloakguard.core.sessions.SessionEnding;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.account.DeviceRepresentation;

import java.util.Comparator;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sessions of one user, read and ended the way Keycloak does it, so that nothing here can ever
 * reach another user's session: every lookup by id checks the owner.
 */
public final class OwnSessions {


    private final KeycloakSession session;
    private final RealmModel realm;
    private final UserModel user;

    public OwnSessions(KeycloakSession session, RealmModel realm, UserModel user) {
        this.session = session;
        this.realm = realm;
        this.user = user;
    }

    /**
     * The user's sessions, online ones first, offline ones only when asked; a session that is both
     * online and offline counts once. With a client id, only sessions that use that client.
     */
    public List<UserSessionModel> list(boolean includeOffline, String clientId) {
        Map<String, UserSessionModel> byId = new LinkedHashMap<>();
        Stream<UserSessionModel> sessions = session.sessions().getUserSessionsStream(realm, user);
        if (includeOffline) {
            sessions = Stream.concat(sessions, session.sessions().getOfflineUserSessionsStream(realm, user));
        }
        Set<String> ended = endedInThisRequest(session);
        sessions.filter(Objects::nonNull)
                .filter(s -> !ended.contains(s.getId()))
                .filter(s -> clientId == null || usesClient(s, clientId))
                .forEach(s -> byId.putIfAbsent(s.getId(), s));
        return List.copyOf(byId.values());
    }

    /**
     * The ids of the user's online sessions as stored in the database, read there directly. Keycloak's
     * session API resolves each stored row through its cache, and in a cluster a session stored by another
     * node a moment ago can be missing from that view; the database is what every node shares.
     */
    public StoredSessionIds storedOnlineSessionIds(long nowSeconds) {
        int idle = Math.max(realm.getSsoSessionIdleTimeout(), realm.getSsoSessionIdleTimeoutRememberMe());
        int max = Math.max(realm.getSsoSessionMaxLifespan(), realm.getSsoSessionMaxLifespanRememberMe());
        // Equality conditions only, so that the database picks the per-user index; the user's few rows are
        // filtered here. (Range conditions on the refresh time invite the realm-wide expiration index.)
        List<Object[]> rows = session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select p.userSessionId, p.lastSessionRefresh, p.createdOn from PersistentUserSessionEntity p"
                        + " where p.userId = :user and p.realmId = :realm and p.offline = '0'", Object[].class)
                .setParameter("user", user.getId()).setParameter("realm", realm.getId())
                .getResultList();
        List<String> live = rows.stream()
                .filter(r -> ((Number) r[1]).longValue() >= nowSeconds - idle && ((Number) r[2]).longValue() >= nowSeconds - max)
                .map(r -> (String) r[0]).toList();
        return new StoredSessionIds(live, rows.stream().map(r -> (String) r[0]).toList());
    }

    /**
     * Stored online session ids: {@code live} within the realm's timeouts by the stored times, {@code all} every row,
     * expired ones not yet removed included (an upper bound of what Keycloak's session API can return).
     */
    public record StoredSessionIds(List<String> live, List<String> all) {
    }

    public static SessionSummary summary(UserSessionModel s) {
        return new SessionSummary(s.getId(), s.getStarted(), s.getLastSessionRefresh(), s.isOffline());
    }

    public UserSessionView view(UserSessionModel s, String currentSessionId) {
        DeviceRepresentation device = DeviceActivityManager.getCurrentDevice(s);
        List<String> clients = s.getAuthenticatedClientSessions().values().stream()
                .map(AuthenticatedClientSessionModel::getClient).filter(Objects::nonNull)
                .map(c -> c.getClientId()).sorted().toList();
        return new UserSessionView(s.getId(),
                device == null ? null : device.getBrowser(),
                device == null ? null : join(device.getOs(), device.getOsVersion()),
                device == null ? null : device.getDevice(),
                s.getIpAddress(), s.getStarted(), s.getLastSessionRefresh(), clients, s.isOffline(),
                s.getId().equals(currentSessionId));
    }

    public List<UserSessionView> views(boolean includeOffline, String currentSessionId) {
        return list(includeOffline, null).stream()
                .sorted(Comparator.comparingInt(UserSessionModel::getLastSessionRefresh).reversed())
                .map(s -> view(s, currentSessionId)).toList();
    }

    /** The user's own session with this id (online, else offline), or empty: never another user's. */
    public Optional<UserSessionModel> find(String sessionId) {
        if (sessionId == null || sessionId.isBlank() || !RequestInputs.isLookupable(sessionId, 64)) {
            return Optional.empty();
        }
        UserSessionModel online = session.sessions().getUserSession(realm, sessionId);
        if (isOwn(online)) {
            return Optional.of(online);
        }
        UserSessionModel offline = session.sessions().getOfflineUserSession(realm, sessionId);
        return isOwn(offline) ? Optional.of(offline) : Optional.empty();
    }

    /** Ends one of the user's sessions for good: see {@link SessionEnding#end}. */
    public void end(UserSessionModel target, String reason) {
        new SessionEnding(session, realm).end(user, target, reason);
    }

    /**
     * Ends one of the user's sessions for good within this transaction, and logs its clients out once it has
     * committed: see {@link SessionEnding#endLoggingOutClientsAfterCommit}. For the limiter, which ends sessions
     * under the user's lock inside a login.
     */
    public void endLoggingOutClientsAfterCommit(UserSessionModel target, String reason) {
        new SessionEnding(session, realm).endLoggingOutClientsAfterCommit(user, target, reason);
    }

    /** Sessions ended earlier in this request: see {@link SessionEnding#endedInThisRequest}. */
    public static Set<String> endedInThisRequest(KeycloakSession session) {
        return SessionEnding.endedInThisRequest(session);
    }

    private boolean isOwn(UserSessionModel s) {
        return s != null && s.getUser() != null && user.getId().equals(s.getUser().getId());
    }

    private static boolean usesClient(UserSessionModel s, String clientId) {
        return s.getAuthenticatedClientSessions().values().stream()
                .anyMatch(cs -> cs.getClient() != null && clientId.equals(cs.getClient().getClientId()));
    }

    private static String join(String a, String b) {
        if (a == null) {
            return null;
        }
        return b == null || b.isBlank() || DeviceRepresentation.UNKNOWN.equals(b) ? a : a + " " + b;
    }
}
