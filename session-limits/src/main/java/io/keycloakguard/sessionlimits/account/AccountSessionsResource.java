package io.keycloakguard.sessionlimits.account;

import io.keycloakguard.core.audit.GuardSignals;
import io.keycloakguard.core.account.AccountAccess;
import io.keycloakguard.core.compat.KeycloakCapabilities;
import io.keycloakguard.core.lock.UserLocks;
import io.keycloakguard.sessionlimits.sessions.UserSessionView;
import io.keycloakguard.sessionlimits.sessions.OwnSessions;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

import java.util.List;

/**
 * {@code /realms/{realm}/guard-account/sessions}: the signed-in user's own sessions, listed and ended
 * with that user's bearer token. Another user's session id answers 404, exactly like an unknown one. The token
 * needs what Keycloak's own account API needs for its sessions ({@link AccountAccess}): the {@code account}
 * audience, and {@code view-profile} or {@code manage-account} to list, {@code manage-account} to end.
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
        AccountAccess auth = AccountAccess.authenticate(session).requireView();
        return sessionsOf(auth).views(true, auth.userSession() == null ? null : auth.userSession().getId());
    }

    @DELETE
    @Path("sessions/{id}")
    public Response end(@PathParam("id") String id) {
        AccountAccess auth = AccountAccess.authenticate(session).requireManage();
        RealmModel realm = session.getContext().getRealm();
        UserLocks.lock(session, realm, auth.user());
        OwnSessions sessions = sessionsOf(auth);
        UserSessionModel target = sessions.find(id).orElseThrow(NotFoundException::new);
        // Under the user's lock, as the limiter: the session's clients are logged out once this request committed.
        sessions.endLoggingOutClientsAfterCommit(target, "account:user-signed-out-session");
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(KeycloakCapabilities.current().sessionEndedEvent()).user(auth.user()).session(id)
                .client(auth.client())
                .detail(GuardSignals.EVENT_DETAIL, GuardSignals.ACCOUNT_SESSION_ENDED).detail("ended_session", id)
                .success();
        return Response.noContent().build();
    }

    private OwnSessions sessionsOf(AccountAccess auth) {
        return new OwnSessions(session, session.getContext().getRealm(), auth.user());
    }
}
