package io.keycloakguard.core.flow;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/** What an authenticator needs to know about the flow it runs in. */
public final class LoginFlows {

    /**
     * The flow path Keycloak's token endpoint gives the direct grant (26.4 to 26.7 alike); every endpoint with
     * pages sets its own ({@code authenticate}, {@code registration}, {@code post-broker-login}, ...).
     */
    static final String TOKEN_ENDPOINT_FLOW_PATH = "token";

    private LoginFlows() {
    }

    /**
     * Whether the flow can show pages. Decided by the endpoint that runs the flow (the flow path Keycloak's code
     * sets) and, where a Keycloak sets none, by the flow binding; never by a request field, which the person
     * signing in chooses: a {@code grant_type=password} added to the last POST of a browser sign-in is still a
     * browser sign-in.
     */
    public static boolean hasPages(AuthenticationFlowContext context) {
        String flowPath = context.getFlowPath();
        boolean directGrantBinding = isDirectGrantBinding(context.getRealm(),
                context.getAuthenticationSession() == null ? null : context.getAuthenticationSession().getClient(),
                context.getTopLevelFlow());
        return hasPages(flowPath, directGrantBinding);
    }

    /**
     * Whether Keycloak's token endpoint runs the flow (the direct grant), by the flow path it sets. Its authentication
     * session is created in the same request with a new random id, so it continues no earlier sign-in.
     */
    public static boolean isTokenEndpoint(AuthenticationFlowContext context) {
        return TOKEN_ENDPOINT_FLOW_PATH.equals(context.getFlowPath());
    }

    /** @param directGrantBinding whether the flow running is the one bound to the client's (or realm's) direct grant */
    static boolean hasPages(String flowPath, boolean directGrantBinding) {
        if (flowPath != null) {
            return !TOKEN_ENDPOINT_FLOW_PATH.equals(flowPath);
        }
        return !directGrantBinding;
    }

    static boolean isDirectGrantBinding(RealmModel realm, ClientModel client, AuthenticationFlowModel topLevel) {
        if (realm == null || topLevel == null) {
            return false;
        }
        String bound = client == null ? null
                : client.getAuthenticationFlowBindingOverride(AuthenticationFlowBindings.DIRECT_GRANT_BINDING);
        if (bound == null || bound.isBlank()) {
            AuthenticationFlowModel realmFlow = realm.getDirectGrantFlow();
            bound = realmFlow == null ? null : realmFlow.getId();
        }
        return topLevel.getId() != null && topLevel.getId().equals(bound);
    }
}
