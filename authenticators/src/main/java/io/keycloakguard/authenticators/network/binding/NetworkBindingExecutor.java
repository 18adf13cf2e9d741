package io.keycloakguard.authenticators.network.binding;

import io.keycloakguard.core.audit.GuardSignals;
import io.keycloakguard.core.compat.KeycloakCapabilities;
import io.keycloakguard.core.net.ClientAddress;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.context.TokenRefreshContext;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;
import org.keycloak.util.TokenUtil;
import org.keycloak.services.clientpolicy.context.UserInfoRequestContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * Compares the caller's address with the address the session was created from, on token refresh and userinfo.
 *
 * <p>It acts only on verified tokens: acting on an unverified one would let anyone who forges a token with a
 * victim's session id end that session. A refresh is judged on TOKEN_REFRESH, before Keycloak rotates the refresh
 * token, after the executor verified the token itself (signature, expiry, type, client, session): refusing only
 * after the rotation (TOKEN_REFRESH_RESPONSE) rolls the rotation back inconsistently on PostgreSQL and revives the
 * previous, already retired refresh token. A refresh whose session the executor cannot resolve is judged on
 * TOKEN_REFRESH_RESPONSE, after Keycloak's own checks. USERINFO_REQUEST comes after Keycloak verified the access
 * token and its session (Keycloak 26.7; on 26.4 and 26.5 before, and the executor verifies the token itself).
 */
final class NetworkBindingExecutor implements ClientPolicyExecutorProvider<NetworkBindingExecutorConfig> {

    static final String ERROR_MISMATCH = "guard_network_mismatch";
    private static final String CHECKED_ATTRIBUTE = NetworkBindingExecutor.class.getName() + ".checked";

    private final KeycloakSession session;
    private final ParsedBindingConfigs configs;
    private NetworkBindingExecutorConfig configuration;

    NetworkBindingExecutor(KeycloakSession session, ParsedBindingConfigs configs) {
        this.session = session;
        this.configs = configs;
    }

    @Override
    public void setupConfiguration(NetworkBindingExecutorConfig configuration) {
        this.configuration = configuration;
    }

    @Override
    public Class<NetworkBindingExecutorConfig> getExecutorConfigurationClass() {
        return NetworkBindingExecutorConfig.class;
    }

    @Override
    public String getProviderId() {
        return NetworkBindingExecutorFactory.ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        switch (context.getEvent()) {
            case TOKEN_REFRESH -> {
                AuthenticatedClientSessionModel verified = verifiedClientSession((TokenRefreshContext) context);
                if (verified != null) {
                    session.setAttribute(CHECKED_ATTRIBUTE, Boolean.TRUE);
                    check(verified, Call.REFRESH);
                }
            }
            case TOKEN_REFRESH_RESPONSE -> {
                if (session.getAttribute(CHECKED_ATTRIBUTE) == null) {
                    check(KeycloakCapabilities.carriesClientSession(context.getClass())
                            ? KeycloakCapabilities.clientSessionCarriedBy(context)
                            : issuedClientSession((TokenRefreshResponseContext) context), Call.REFRESH);
                }
            }
            case USERINFO_REQUEST -> check(KeycloakCapabilities.carriesClientSession(context.getClass())
                    ? KeycloakCapabilities.clientSessionCarriedBy(context)
                    : verifiedClientSession((UserInfoRequestContext) context), Call.USERINFO);
            default -> {
            }
        }
    }

    /**
     * The client session of the refresh token in the request, if the token is genuine (signed by the realm),
     * unexpired, a refresh or offline token of the calling client, and its session exists; null otherwise.
     */
    private AuthenticatedClientSessionModel verifiedClientSession(TokenRefreshContext context) {
        String raw = context.getParams() == null ? null : context.getParams().getFirst(OAuth2Constants.REFRESH_TOKEN);
        ClientModel client = context.getClient();
        RealmModel realm = session.getContext().getRealm();
        if (raw == null || raw.length() > 16_384 || client == null || realm == null) {
            return null;
        }
        RefreshToken token = decoded(raw, RefreshToken.class);
        if (token == null || !token.isActive() || token.getSessionId() == null
                || !client.getClientId().equals(token.getIssuedFor())) {
            return null;
        }
        boolean offline = TokenUtil.TOKEN_TYPE_OFFLINE.equals(token.getType());
        if (!offline && !TokenUtil.TOKEN_TYPE_REFRESH.equals(token.getType())) {
            return null;
        }
        UserSessionModel userSession = offline
                ? session.sessions().getOfflineUserSession(realm, token.getSessionId())
                : session.sessions().getUserSession(realm, token.getSessionId());
        if (userSession == null || userSession.getUser() == null || !userSession.getUser().getId().equals(token.getSubject())) {
            return null;
        }
        return userSession.getAuthenticatedClientSessionByClient(client.getId());
    }

    /**
     * Keycloak 26.4 and 26.5 trigger USERINFO_REQUEST before they verify the access token, and hand over the raw
     * token only: the client session of the token, if it is genuine (signed by the realm), unexpired, an access
     * token, and its session exists and belongs to its subject; null otherwise (Keycloak then refuses it itself).
     */
    private AuthenticatedClientSessionModel verifiedClientSession(UserInfoRequestContext context) {
        String raw = context.getTokenForUserInfo() == null ? null : context.getTokenForUserInfo().getToken();
        RealmModel realm = session.getContext().getRealm();
        if (raw == null || raw.length() > 16_384 || realm == null) {
            return null;
        }
        AccessToken token = decoded(raw, AccessToken.class);
        if (token == null || !token.isActive() || token.getSessionId() == null || token.getIssuedFor() == null
                || !(TokenUtil.TOKEN_TYPE_BEARER.equalsIgnoreCase(token.getType())
                || TokenUtil.TOKEN_TYPE_DPOP.equalsIgnoreCase(token.getType()))) {
            return null;
        }
        UserSessionModel userSession = session.sessions().getUserSession(realm, token.getSessionId());
        if (userSession == null) {
            userSession = session.sessions().getOfflineUserSession(realm, token.getSessionId());
        }
        return clientSessionOf(realm, userSession, token.getSubject(), token.getIssuedFor());
    }

    /**
     * Keycloak 26.4 and 26.5 give the refresh-response context no client session: the one of the tokens Keycloak
     * has just issued (verified by Keycloak, so trusted).
     */
    private AuthenticatedClientSessionModel issuedClientSession(TokenRefreshResponseContext context) {
        AccessToken token = context.getAccessTokenResponseBuilder() == null ? null
                : context.getAccessTokenResponseBuilder().getAccessToken();
        RealmModel realm = session.getContext().getRealm();
        if (token == null || token.getSessionId() == null || realm == null) {
            return null;
        }
        UserSessionModel userSession = context.getAccessTokenResponseBuilder().isOfflineToken()
                ? session.sessions().getOfflineUserSession(realm, token.getSessionId())
                : session.sessions().getUserSession(realm, token.getSessionId());
        return clientSessionOf(realm, userSession, token.getSubject(), token.getIssuedFor());
    }

    /** The token if the realm signed it (Keycloak checks the signature), else null. */
    private <T extends JsonWebToken> T decoded(String raw, Class<T> type) {
        try {
            return session.tokens().decode(raw, type);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static AuthenticatedClientSessionModel clientSessionOf(RealmModel realm, UserSessionModel userSession,
                                                                   String subject, String clientId) {
        if (userSession == null || userSession.getUser() == null || !userSession.getUser().getId().equals(subject)
                || clientId == null) {
            return null;
        }
        ClientModel client = realm.getClientByClientId(clientId);
        return client == null ? null : userSession.getAuthenticatedClientSessionByClient(client.getId());
    }

    /** The two calls the binding guards, with the OAuth error and status each answers a refusal with. */
    private enum Call {
        REFRESH(EventType.REFRESH_TOKEN, OAuthErrorException.INVALID_GRANT, Response.Status.BAD_REQUEST),
        USERINFO(EventType.USER_INFO_REQUEST, OAuthErrorException.INVALID_TOKEN, Response.Status.UNAUTHORIZED);

        final EventType eventType;
        final String error;
        final Response.Status status;

        Call(EventType eventType, String error, Response.Status status) {
            this.eventType = eventType;
            this.error = error;
            this.status = status;
        }
    }

    private void check(AuthenticatedClientSessionModel clientSession, Call call) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        ParsedBindingConfigs.Parsed parsed = configs.get(realm, configuration);
        if (!parsed.valid()) {
            throw new ClientPolicyException(call.error, "Network binding is misconfigured", call.status);
        }
        if (clientSession == null || clientSession.getUserSession() == null) {
            return;
        }
        NetworkBindingConfig config = parsed.config();
        UserSessionModel userSession = clientSession.getUserSession();
        String sessionIp = userSession.getIpAddress();
        String requestIp = ClientAddress.of(session);
        NetworkBindingConfig.Verdict verdict = config.judge(sessionIp, requestIp);
        if (verdict.tolerated()) {
            return;
        }
        BindingMode mode = config.mode();
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(call.eventType)
                .client(clientSession.getClient())
                .user(userSession.getUser())
                .session(userSession)
                .detail(GuardSignals.EVENT_DETAIL, GuardSignals.NETWORK_BINDING_MISMATCH)
                .detail("session_ip", sessionIp == null ? "unknown" : sessionIp)
                .detail("request_ip", requestIp)
                .detail("reason", verdict.detail())
                .detail("action", mode.action())
                .error(ERROR_MISMATCH);
        switch (mode) {
            case LOG -> {
            }
            case REJECT -> throw new ClientPolicyException(call.error,
                    "The session was created from another network", call.status);
            case END_SESSION -> {
                // Keycloak may roll the request's transaction back when it answers with an error: the session
                // is ended in a transaction of its own once this request's transaction is over, whatever its outcome.
                session.getTransactionManager().enlistAfterCompletion(new SessionEndingAfterRequest(session,
                        realm.getId(), userSession.getUser().getId(), userSession.getId(), userSession.isOffline()));
                throw new ClientPolicyException(call.error,
                        "The session was created from another network and has been ended", call.status);
            }
        }
    }
}
