package io.keycloakguard.authenticators.network.ippolicy;

import io.keycloakguard.core.flow.LoginFlows;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.events.Errors;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A denial after the password step, answered exactly as Keycloak answers a wrong password, so that the lists tell
 * an attacker on a denied network nothing about the password. The event still says what happened
 * ({@code guard_ip_denied}, with {@code answered_as=invalid_user_credentials}, which the per-IP rate limit counts
 * like a wrong password: otherwise the moment its block begins would tell).
 */
final class WrongPasswordAnswer {

    /** Keycloak's own key for a message shown on the next form (AuthenticationProcessor.ForwardedFormMessageType.ERROR). */
    private static final String FORWARDED_ERROR = "fwMessageError";

    private WrongPasswordAnswer() {
    }

    /**
     * Whether a denial here must look like a wrong password: a user was identified (so a credential step ran before)
     * in the browser's login or the direct grant. Broker flows keep the plain denial: their password, if any, was
     * checked by the identity provider.
     */
    static boolean applies(AuthenticationFlowContext context) {
        if (context.getUser() == null) {
            return false;
        }
        return !LoginFlows.hasPages(context) || LoginActionsService.AUTHENTICATE_PATH.equals(context.getFlowPath());
    }

    static void answer(AuthenticationFlowContext context) {
        if (!LoginFlows.hasPages(context)) {
            // What direct-grant-validate-password does for a wrong password, to the byte.
            context.failure(AuthenticationFlowError.INVALID_USER, Response.status(Response.Status.BAD_REQUEST)
                    .entity(new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_GRANT, "Invalid user credentials"))
                    .type(MediaType.APPLICATION_JSON_TYPE).build());
            return;
        }
        // The login starts over, as after a wrong password: the first form again, the typed username kept (it is in
        // this POST), and the username password form's own error under the password field.
        String message = json(new FormMessage("password", Messages.INVALID_USER));
        context.resetFlow(() -> context.getAuthenticationSession().setAuthNote(FORWARDED_ERROR, message));
    }

    private static String json(FormMessage message) {
        try {
            return JsonSerialization.writeValueAsString(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String error() {
        return Errors.INVALID_USER_CREDENTIALS;
    }
}
