package io.keycloakguard.events.brokerlogout;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.LogoutTokenValidationCode;
import org.keycloak.protocol.oidc.LogoutTokenValidationContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.LogoutToken;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code POST /realms/{realm}/guard-broker-logout}: the OIDC back-channel logout endpoint to give an
 * external identity provider. It does what Keycloak's own {@code .../logout/backchannel-logout} does
 * (verify the logout token against the realm's identity providers, end the brokered sessions it names,
 * back-channel logout to their clients), and also records a {@code LOGOUT} event per session ended.
 * Keycloak 26.7's endpoint records none on success, so event listeners, the revocation feed among them,
 * never learn of those logouts.
 */
public class BrokerBackchannelLogoutResource {

    private final KeycloakSession session;

    BrokerBackchannelLogoutResource(KeycloakSession session) {
        this.session = session;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response logout() {
        KeycloakContext context = session.getContext();
        RealmModel realm = context.getRealm();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String encoded = form.getFirst(OAuth2Constants.LOGOUT_TOKEN);
        if (encoded == null || encoded.isBlank()) {
            return invalid("No logout token");
        }
        LogoutTokenValidationContext validation;
        try {
            validation = new TokenManager().verifyLogoutToken(session, encoded);
        } catch (RuntimeException e) {
            return invalid("Malformed logout token");
        }
        if (validation.getStatus() != LogoutTokenValidationCode.VALIDATION_SUCCESS) {
            return invalid(validation.getStatus().getErrorMessage());
        }
        LogoutToken token = validation.getLogoutToken();
        validation.getValidIdentityProviders().forEach(idp -> {
            String alias = idp.getConfig().getAlias();
            sessionsNamedBy(realm, alias, token).toList().forEach(userSession -> end(realm, alias, userSession));
        });
        return Response.ok(Map.of()).build();
    }

    private Stream<UserSessionModel> sessionsNamedBy(RealmModel realm, String alias, LogoutToken token) {
        if (token.getSid() != null) {
            UserSessionModel s = session.sessions().getUserSessionByBrokerSessionId(realm, alias + "." + token.getSid());
            return s == null ? Stream.empty() : Stream.of(s);
        }
        return session.sessions().getUserSessionByBrokerUserIdStream(realm, alias + "." + token.getSubject());
    }

    private void end(RealmModel realm, String alias, UserSessionModel userSession) {
        KeycloakContext context = session.getContext();
        new EventBuilder(realm, session, context.getConnection()).event(EventType.LOGOUT)
                .user(userSession.getUser()).session(userSession)
                .detail(Details.IDENTITY_PROVIDER, alias)
                .detail("guard_event", "broker_backchannel_logout")
                .success();
        // The IdP ended the session itself: no logout back to it.
        AuthenticationManager.backchannelLogout(session, realm, userSession, context.getUri(), context.getConnection(),
                context.getRequestHeaders(), false);
    }

    private static Response invalid(String description) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new OAuth2ErrorRepresentation("invalid_request", description)).build();
    }
}
