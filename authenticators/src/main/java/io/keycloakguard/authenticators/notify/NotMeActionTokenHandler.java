package io.keycloakguard.authenticators.notify;

import io.keycloakguard.core.sessions.SessionEnding;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorPage;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Handles a click on "this wasn't me": ends every session of the user (backchannel logout, offline sessions,
 * revocation for resource servers), makes the user choose a new password at the next sign-in, records an
 * event and shows an info page. Keycloak has already checked the signature, expiry, realm and user.
 */
public class NotMeActionTokenHandler extends AbstractActionTokenHandler<NotMeActionToken> {

    static final String GUARD_EVENT = "guard_event";
    static final String REASON = "not-me";

    private static final Logger LOG = Logger.getLogger(NotMeActionTokenHandler.class);

    public NotMeActionTokenHandler() {
        super(NotMeActionToken.TOKEN_TYPE, NotMeActionToken.class, Messages.INVALID_CODE,
                EventType.EXECUTE_ACTION_TOKEN, Errors.INVALID_TOKEN);
    }

    @Override
    public boolean canUseTokenRepeatedly(NotMeActionToken token, ActionTokenContext<NotMeActionToken> tokenContext) {
        return false;
    }

    @Override
    public Response handleToken(NotMeActionToken token, ActionTokenContext<NotMeActionToken> tokenContext) {
        KeycloakSession session = tokenContext.getSession();
        RealmModel realm = tokenContext.getRealm();
        AuthenticationSessionModel authSession = tokenContext.getAuthenticationSession();
        UserModel user = authSession.getAuthenticatedUser();
        EventBuilder event = tokenContext.getEvent().detail(GUARD_EVENT, "not_me");
        // The auth session exists only to carry this click; nothing continues from it.
        new AuthenticationSessionManager(session).removeAuthenticationSession(realm, authSession, true);

        // Keycloak checked that the token was not used before calling us, in its single-use store; marking it used
        // there is atomic at once (not at commit, as a database row would be), so of two clicks only one goes on.
        long keepSeconds = Math.max(1, token.getExp() - Time.currentTime()) + 60;
        if (!session.singleUseObjects().putIfAbsent(token.serializeKey(), keepSeconds)) {
            event.detail(GUARD_EVENT, "not_me.reused").error(Errors.EXPIRED_CODE);
            return ErrorPage.error(session, null, Response.Status.BAD_REQUEST, Messages.EXPIRED_ACTION);
        }

        int ended = new SessionEnding(session, realm).endAll(user, REASON);
        user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
        event.detail("sessions_ended", String.valueOf(ended))
                .detail("required_action", UserModel.RequiredAction.UPDATE_PASSWORD.name())
                .success();
        LOG.infof("User %s of realm %s reported a sign-in as not theirs: %d session(s) ended, new password required",
                user.getId(), realm.getName(), ended);

        return session.getProvider(LoginFormsProvider.class)
                .setAttribute("messageHeader", "guardNotMeTitle")
                .setAttribute("skipLink", Boolean.TRUE)
                .setSuccess("guardNotMeDone")
                .createInfoPage();
    }
}
