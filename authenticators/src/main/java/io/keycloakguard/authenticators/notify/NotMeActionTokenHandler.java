package io.keycloakguard.authenticators.notify;

import io.keycloakguard.core.audit.GuardSignals;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorPage;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Handles the "this wasn't me" link. Opening it ({@code GET}, as a mail scanner that follows links also does)
 * only shows a confirmation page; its button posts the same token to Keycloak's {@code reset-credentials}
 * endpoint, which hands action tokens of any type to their handler, and that {@code POST} acts
 * ({@link NotMeReport}): once, records an event and an audit signal, and shows an info page. A used token
 * shows Keycloak's "action expired" page on either. Keycloak has already checked the signature, expiry, realm
 * and user before calling us.
 */
public class NotMeActionTokenHandler extends AbstractActionTokenHandler<NotMeActionToken> {

    static final String CONFIRM_TEMPLATE = "guard-not-me-confirm.ftl";

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
        // The auth session exists only to carry this click; nothing continues from it.
        new AuthenticationSessionManager(session).removeAuthenticationSession(realm, authSession, true);

        EventBuilder event = tokenContext.getEvent().detail(GuardSignals.EVENT_DETAIL, GuardSignals.NOT_ME);
        boolean confirmed = "POST".equalsIgnoreCase(tokenContext.getRequest().getHttpMethod());
        // The token is marked used in Keycloak's single-use store; putIfAbsent there is atomic at once (not at
        // commit, as a database row would be), so of two confirmations only one goes on.
        boolean used = confirmed
                ? !session.singleUseObjects().putIfAbsent(token.serializeKey(), Math.max(1, token.getExp() - Time.currentTime()) + 60)
                : session.singleUseObjects().contains(token.serializeKey());
        if (used) {
            event.detail(GuardSignals.EVENT_DETAIL, GuardSignals.NOT_ME_REUSED).error(Errors.EXPIRED_CODE);
            return ErrorPage.error(session, null, Response.Status.BAD_REQUEST, Messages.EXPIRED_ACTION);
        }
        if (!confirmed) {
            return confirmationPage(session, realm, user);
        }

        NotMeReport.Outcome outcome = new NotMeReport(session, realm, user).secure(token);
        outcome.details().forEach(event::detail);
        event.detail("required_action", UserModel.RequiredAction.UPDATE_PASSWORD.name()).success();
        LOG.infof("User %s of realm %s reported a sign-in as not theirs: %d session(s) ended, %d consent(s) revoked, "
                        + "password %s, %d device(s) and %d sign-in(s) forgotten, new-password email: %s",
                user.getId(), realm.getName(), outcome.sessionsEnded(), outcome.consentsRevoked(),
                outcome.accountHeld() ? "kept by the user federation, account disabled"
                        : outcome.passwordRemoved() ? "removed" : "none to remove",
                outcome.devicesForgotten(), outcome.loginsForgotten(), outcome.resetEmail());

        return session.getProvider(LoginFormsProvider.class)
                .setAttribute("messageHeader", "guardNotMeTitle")
                .setAttribute(Constants.SKIP_LINK, Boolean.TRUE)
                .setSuccess(outcome.resetEmailSent() ? "guardNotMeDoneEmailed" : "guardNotMeDoneAskAdmin")
                .createInfoPage();
    }

    /**
     * The themed page the link opens; its form posts the token from the link (the URL the user opened, whose host
     * is the configured one the email carried) to {@code reset-credentials}.
     */
    private static Response confirmationPage(KeycloakSession session, RealmModel realm, UserModel user) {
        String key = session.getContext().getUri().getQueryParameters().getFirst(Constants.KEY);
        String confirmUrl = LoginActionsService.loginActionsBaseUrl(session.getContext().getUri())
                .path(LoginActionsService.RESET_CREDENTIALS_PATH)
                .queryParam(Constants.KEY, key)
                .build(realm.getName()).toString();
        return session.getProvider(LoginFormsProvider.class)
                .setAttribute("guardConfirmUrl", confirmUrl)
                .setAttribute("guardUsername", user.getUsername())
                .createForm(CONFIRM_TEMPLATE);
    }
}
