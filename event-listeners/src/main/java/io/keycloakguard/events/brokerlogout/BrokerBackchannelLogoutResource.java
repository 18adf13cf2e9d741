package io.keycloakguard.events.brokerlogout;

import io.keycloakguard.core.audit.GuardSignals;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.LogoutTokenValidationCode;
import org.keycloak.protocol.oidc.LogoutTokenValidationContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.LogoutToken;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code POST /realms/{realm}/guard-broker-logout}: the OIDC back-channel logout endpoint to give an
 * external identity provider. It does what Keycloak's own {@code .../logout/backchannel-logout} does
 * (verify the logout token against the realm's identity providers, end the brokered sessions it names,
 * back-channel logout to their clients), and also records a {@code LOGOUT} event per session ended.
 * Keycloak 26.7's endpoint records none on success, so event listeners, the revocation feed among them,
 * never learn of those logouts. Like Keycloak's, it removes the offline sessions the token names when its
 * {@code revoke_offline_access} event is true. Beyond Keycloak's, it refuses: a token from an identity
 * provider that does not validate signatures (anyone could forge one), a token without {@code exp} or
 * {@code jti}, one issued more than {@code max-token-age} ago, and a token whose {@code jti} was already used
 * ({@link LogoutTokenRules}; the ids are kept in Keycloak's single-use store, shared by the cluster).
 */
public class BrokerBackchannelLogoutResource {

    private static final Logger LOG = Logger.getLogger(BrokerBackchannelLogoutResource.class);
    static final String REVOKE_OFFLINE_ACCESS = "revoke_offline_access";

    private final KeycloakSession session;
    private final LogoutTokenRules rules;

    BrokerBackchannelLogoutResource(KeycloakSession session, LogoutTokenRules rules) {
        this.session = session;
        this.rules = rules;
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
        List<OIDCIdentityProvider> providers = validation.getValidIdentityProviders();
        Optional<OIDCIdentityProvider> unsigned = providers.stream()
                .filter(idp -> !idp.getConfig().isValidateSignature()).findFirst();
        if (unsigned.isPresent()) {
            String alias = unsigned.get().getConfig().getAlias();
            LOG.warnf("Keycloak Guard: refused a back-channel logout token of identity provider '%s' of realm '%s': it"
                    + " does not validate signatures, so anyone could have written the token", alias, realm.getName());
            return invalid("Identity provider '" + alias + "' does not validate signatures: its logout tokens are"
                    + " refused. Turn on 'Validate signatures' for it");
        }
        int skew = providers.stream().mapToInt(idp -> idp.getConfig().getAllowedClockSkew()).max().orElse(0);
        long now = Time.currentTime();
        Optional<String> refusal = rules.refusal(token.getExp(), token.getIat(), token.getId(), now, skew);
        if (refusal.isPresent()) {
            return invalid(refusal.get());
        }
        long window = rules.replayWindowSeconds(token.getExp(), token.getIat(), now, skew);
        if (!session.singleUseObjects().putIfAbsent(replayKey(realm, token), window)) {
            return invalid("The logout token was already used (its jti was seen before)");
        }
        boolean revokeOffline = token.getEvents() != null
                && Boolean.parseBoolean(String.valueOf(token.getEvents().getOrDefault(REVOKE_OFFLINE_ACCESS, false)));
        providers.forEach(idp -> {
            String alias = idp.getConfig().getAlias();
            Set<String> ended = new HashSet<>();
            sessionsNamedBy(realm, alias, token).toList().forEach(userSession -> {
                ended.add(userSession.getId());
                end(realm, alias, userSession);
            });
            if (revokeOffline) {
                offlineSessionsNamedBy(realm, alias, token).toList()
                        .forEach(offline -> endOffline(realm, alias, offline, ended.contains(offline.getId())));
            }
        });
        return Response.ok(Map.of()).build();
    }

    /** One entry per realm, issuer and jti, hashed: the jti is the IdP's and can be of any length. */
    private static String replayKey(RealmModel realm, LogoutToken token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((realm.getId() + "\n" + token.getIssuer() + "\n" + token.getId())
                    .getBytes(StandardCharsets.UTF_8));
            return "guard-broker-logout." + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Stream<UserSessionModel> sessionsNamedBy(RealmModel realm, String alias, LogoutToken token) {
        if (token.getSid() != null) {
            UserSessionModel s = session.sessions().getUserSessionByBrokerSessionId(realm, alias + "." + token.getSid());
            return s == null ? Stream.empty() : Stream.of(s);
        }
        return session.sessions().getUserSessionByBrokerUserIdStream(realm, alias + "." + token.getSubject());
    }

    /** As Keycloak's endpoint: with a sid, the offline sessions of that brokered session; else all of the user's. */
    private Stream<UserSessionModel> offlineSessionsNamedBy(RealmModel realm, String alias, LogoutToken token) {
        Stream<UserSessionModel> offline = session.sessions()
                .getOfflineUserSessionByBrokerUserIdStream(realm, alias + "." + token.getSubject());
        if (token.getSid() == null) {
            return offline;
        }
        String brokerSessionId = alias + "." + token.getSid();
        return offline.filter(s -> brokerSessionId.equals(s.getBrokerSessionId()));
    }

    private void endOffline(RealmModel realm, String alias, UserSessionModel offline, boolean onlineEndedToo) {
        if (!onlineEndedToo) {
            // Its online twin (same id) already recorded a LOGOUT; otherwise this one tells the listeners.
            new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.LOGOUT)
                    .user(offline.getUser()).session(offline)
                    .detail(Details.IDENTITY_PROVIDER, alias)
                    .detail(GuardSignals.EVENT_DETAIL, GuardSignals.BROKER_BACKCHANNEL_LOGOUT)
                    .detail("offline", "true")
                    .success();
        }
        new UserSessionManager(session).revokeOfflineUserSession(offline);
    }

    private void end(RealmModel realm, String alias, UserSessionModel userSession) {
        KeycloakContext context = session.getContext();
        new EventBuilder(realm, session, context.getConnection()).event(EventType.LOGOUT)
                .user(userSession.getUser()).session(userSession)
                .detail(Details.IDENTITY_PROVIDER, alias)
                .detail(GuardSignals.EVENT_DETAIL, GuardSignals.BROKER_BACKCHANNEL_LOGOUT)
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
