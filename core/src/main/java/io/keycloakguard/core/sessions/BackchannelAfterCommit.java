package io.keycloakguard.core.sessions;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.List;
import java.util.Map;

/**
 * Keycloak's back-channel logout of a session that the caller's transaction has already removed, sent once that
 * transaction committed (never if it rolls back): the clients' logout URLs (and the broker's) are other parties'
 * servers, and a slow one must not hold the caller's locks and database connection. The session is remembered
 * as it was (its id, user, notes and client sessions) and rebuilt as a transient session, which Keycloak's own
 * {@link AuthenticationManager#backchannelLogout} then logs out of every client exactly as it would the stored
 * one, in a transaction of its own, with the request's connection and headers.
 */
final class BackchannelAfterCommit extends AbstractKeycloakTransaction {

    private static final Logger LOG = Logger.getLogger(BackchannelAfterCommit.class);

    private record ClientSessionCopy(String clientUuid, String protocol, String redirectUri, Map<String, String> notes) {
    }

    private final KeycloakSessionFactory factory;
    private final KeycloakContext requestContext;
    private final String realmId;
    private final String userId;
    private final String sessionId;
    private final String loginUsername;
    private final String ipAddress;
    private final String authMethod;
    private final boolean rememberMe;
    private final String brokerSessionId;
    private final String brokerUserId;
    private final Map<String, String> notes;
    private final List<ClientSessionCopy> clientSessions;

    BackchannelAfterCommit(KeycloakSession session, RealmModel realm, UserSessionModel online) {
        this.factory = session.getKeycloakSessionFactory();
        this.requestContext = session.getContext();
        this.realmId = realm.getId();
        this.userId = online.getUser().getId();
        this.sessionId = online.getId();
        this.loginUsername = online.getLoginUsername();
        this.ipAddress = online.getIpAddress();
        this.authMethod = online.getAuthMethod();
        this.rememberMe = online.isRememberMe();
        this.brokerSessionId = online.getBrokerSessionId();
        this.brokerUserId = online.getBrokerUserId();
        this.notes = Map.copyOf(online.getNotes());
        this.clientSessions = online.getAuthenticatedClientSessions().values().stream()
                .filter(cs -> cs.getClient() != null)
                .map(cs -> new ClientSessionCopy(cs.getClient().getId(), cs.getProtocol(), cs.getRedirectUri(),
                        Map.copyOf(cs.getNotes())))
                .toList();
    }

    /** Whether the session has anyone to tell: a client session or a broker. */
    boolean hasRecipients() {
        return !clientSessions.isEmpty() || brokerSessionId != null;
    }

    @Override
    protected void commitImpl() {
        try {
            AfterRequest.forUser(factory, requestContext, realmId, userId, (s, realm, user) -> {
                UserSessionModel copy = s.sessions().createUserSession(sessionId, realm, user, loginUsername,
                        ipAddress, authMethod, rememberMe, brokerSessionId, brokerUserId,
                        UserSessionModel.SessionPersistenceState.TRANSIENT);
                notes.forEach(copy::setNote);
                for (ClientSessionCopy c : clientSessions) {
                    ClientModel client = realm.getClientById(c.clientUuid());
                    if (client != null) {
                        AuthenticatedClientSessionModel cs = s.sessions().createClientSession(realm, client, copy);
                        cs.setProtocol(c.protocol());
                        cs.setRedirectUri(c.redirectUri());
                        c.notes().forEach(cs::setNote);
                    }
                }
                AuthenticationManager.backchannelLogout(s, realm, copy, s.getContext().getUri(),
                        s.getContext().getConnection(), s.getContext().getRequestHeaders(), true);
            });
        } catch (RuntimeException e) {
            // The session is gone all the same (and revoked); a client that missed the logout learns it at its
            // next refresh.
            LOG.warnf(e, "Keycloak Guard: the back-channel logout of ended session %s of user %s failed", sessionId,
                    userId);
        }
    }

    @Override
    protected void rollbackImpl() {
        // The session was not removed: nobody is told anything.
    }
}
