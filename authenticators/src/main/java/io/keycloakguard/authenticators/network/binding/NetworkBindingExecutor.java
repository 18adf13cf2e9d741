package io.keycloakguard.authenticators.network.binding;

import io.keycloakguard.core.net.ClientAddress;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;
import org.keycloak.services.clientpolicy.context.UserInfoRequestContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * Compares the caller's address with the address the session was created from, on token refresh and userinfo.
 *
 * <p>It acts only on events Keycloak raises after it verified the token: TOKEN_REFRESH_RESPONSE comes after the
 * refresh token's signature, type, client and session were checked, USERINFO_REQUEST after the access token's
 * signature and its session were. The earlier TOKEN_REFRESH event carries an unverified token; acting on it
 * would let anyone who forges a token with a victim's session id end that session.
 */
final class NetworkBindingExecutor implements ClientPolicyExecutorProvider<NetworkBindingExecutorConfig> {

    static final String ERROR_MISMATCH = "guard_network_mismatch";

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
            case TOKEN_REFRESH_RESPONSE -> check(((TokenRefreshResponseContext) context).getClientSession(), Call.REFRESH);
            case USERINFO_REQUEST -> check(((UserInfoRequestContext) context).getClientSession(), Call.USERINFO);
            default -> {
            }
        }
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
                .detail("guard_event", "network_binding.mismatch")
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
