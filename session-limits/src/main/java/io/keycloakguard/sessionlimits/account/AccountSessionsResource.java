package io.keycloakguard.sessionlimits.account;

import io.keycloakguard.core.compat.KeycloakCapabilities;
import io.keycloakguard.core.lock.UserLocks;
import io.keycloakguard.sessionlimits.sessions.UserSessionView;
import io.keycloakguard.sessionlimits.sessions.UserSessionsOfUser;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.List;

/**
 * {@code /realms/{realm}/guard-account/sessions}: the signed-in user's own sessions, listed and ended
 * with that user's bearer token. Another user's session id answers 404, exactly like an unknown one.
 */
public class AccountSessionsResource {

    private final KeycloakSession session;

    AccountSessionsResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    @Path("sessions")
    @Produces(MediaType.APPLICATION_JSON)
    public List<UserSessionView> list() {
        AuthenticationManager.AuthResult auth = authenticate();
        return sessionsOf(auth).views(true, auth.getSession() == null ? null : auth.getSession().getId());
    }

    @DELETE
    @Path("sessions/{id}")
    public Response end(@PathParam("id") String id) {
        AuthenticationManager.AuthResult auth = authenticate();
        RealmModel realm = session.getContext().getRealm();
        UserLocks.lock(session, realm, auth.getUser());
        UserSessionsOfUser sessions = sessionsOf(auth);
        UserSessionModel target = sessions.find(id).orElseThrow(NotFoundException::new);
        sessions.end(target, "account:user-signed-out-session");
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(KeycloakCapabilities.current().sessionEndedEvent()).user(auth.getUser()).session(id)
                .client(auth.getClient())
                .detail("guard_event", "account.session_ended").detail("ended_session", id)
                .success();
        return Response.noContent().build();
    }

    private UserSessionsOfUser sessionsOf(AuthenticationManager.AuthResult auth) {
        return new UserSessionsOfUser(session, session.getContext().getRealm(), auth.getUser());
    }

    private AuthenticationManager.AuthResult authenticate() {
        AuthenticationManager.AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        // AuthResult's getters: Keycloak 26.4 has no record accessors (user(), session(), client()).
        if (auth == null || auth.getUser() == null) {
            throw new NotAuthorizedException("Bearer");
        }
        return auth;
    }
}
