package io.keycloakguard.core.sessions;

import org.keycloak.common.ClientConnection;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Work on a user's sessions once the request's own transaction is over: in a transaction of its own, with the
 * request's connection and HTTP request (Keycloak's back-channel logout reads them), and only if the realm and
 * the user still exist.
 */
public final class AfterRequest {

    /** What to do, with the new transaction's session, the realm and the user. */
    @FunctionalInterface
    public interface UserJob {
        void run(KeycloakSession session, RealmModel realm, UserModel user);
    }

    private AfterRequest() {
    }

    public static void forUser(KeycloakSessionFactory factory, KeycloakContext requestContext, String realmId,
                               String userId, UserJob job) {
        ClientConnection connection = requestContext.getConnection();
        HttpRequest request = requestContext.getHttpRequest();
        KeycloakModelUtils.runJobInTransaction(factory, requestContext, s -> {
            s.getContext().setConnection(connection);
            s.getContext().setHttpRequest(request);
            RealmModel realm = s.realms().getRealm(realmId);
            UserModel user = realm == null ? null : s.users().getUserById(realm, userId);
            if (user != null) {
                s.getContext().setRealm(realm);
                job.run(s, realm, user);
            }
        });
    }
}
