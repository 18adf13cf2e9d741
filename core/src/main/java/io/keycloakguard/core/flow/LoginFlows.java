package io.keycloakguard.core.flow;

import org.keycloak.OAuth2Constants;
import org.keycloak.authentication.AuthenticationFlowContext;

/** What an authenticator needs to know about the flow it runs in. */
public final class LoginFlows {

    private LoginFlows() {
    }

    /**
     * Whether the flow can show pages. The direct grant runs its flow inside the token request (the
     * password grant); Keycloak 26.7 sets a flow path there too, so the grant type tells.
     */
    public static boolean hasPages(AuthenticationFlowContext context) {
        return !OAuth2Constants.PASSWORD.equals(
                context.getHttpRequest().getDecodedFormParameters().getFirst(OAuth2Constants.GRANT_TYPE));
    }
}
