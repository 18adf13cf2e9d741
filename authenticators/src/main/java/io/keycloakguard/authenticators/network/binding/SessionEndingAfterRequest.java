package io.keycloakguard.authenticators.network.binding;

import io.keycloakguard.core.sessions.AfterRequest;
import io.keycloakguard.core.sessions.SessionEnding;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserSessionModel;

/**
 * Ends a user session after the request's own transaction completed, committed or rolled back: a refused
 * refresh is answered with an error, and the error may roll back everything the request wrote. Runs in a
 * transaction of its own, with the request's connection and headers (the back-channel logout reads them).
 */
final class SessionEndingAfterRequest extends AbstractKeycloakTransaction {

    private static final Logger LOG = Logger.getLogger(SessionEndingAfterRequest.class);
    static final String REASON = "network-binding";

    private final KeycloakSessionFactory factory;
    private final KeycloakContext requestContext;
    private final String realmId;
    private final String userId;
    private final String sessionId;
    private final boolean offline;

    SessionEndingAfterRequest(KeycloakSession session, String realmId, String userId, String sessionId, boolean offline) {
        this.factory = session.getKeycloakSessionFactory();
        this.requestContext = session.getContext();
        this.realmId = realmId;
        this.userId = userId;
        this.sessionId = sessionId;
        this.offline = offline;
    }

    @Override
    protected void commitImpl() {
        end();
    }

    @Override
    protected void rollbackImpl() {
        end();
    }

    private void end() {
        try {
            AfterRequest.forUser(factory, requestContext, realmId, userId, (s, realm, user) -> {
                UserSessionModel target = offline ? s.sessions().getOfflineUserSession(realm, sessionId)
                        : s.sessions().getUserSession(realm, sessionId);
                if (target == null && !offline) {
                    target = s.sessions().getOfflineUserSession(realm, sessionId);
                }
                if (target != null) {
                    new SessionEnding(s, realm).end(user, target, REASON);
                }
            });
        } catch (RuntimeException e) {
            // The refresh was refused all the same; the session then lives on until it expires or is logged out.
            LOG.warnf(e, "Could not end session %s of user %s after a network mismatch", sessionId, userId);
        }
    }
}
