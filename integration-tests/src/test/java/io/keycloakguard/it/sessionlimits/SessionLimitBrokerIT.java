package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.UpstreamIdentityProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

import static io.keycloakguard.it.sessionlimits.DemoRealm.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limiter in a post-broker-login flow: users who sign in through an identity provider (here another
 * realm of the same Keycloak, over OIDC) are limited like everyone else.
 */
@ExtendWith(KeycloakGuardExtension.class)
class SessionLimitBrokerIT {

    @Test
    void brokeredLoginsAreLimitedByThePostBrokerLoginFlow(GuardEnvironment env) {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        AuthFlows flows = new AuthFlows(env.admin(), REALM);
        String postBroker = "post-broker-limit-" + suffix;
        env.admin().request().body(Map.of("alias", postBroker, "providerId", "basic-flow", "topLevel", true,
                "builtIn", false, "description", "session limit after broker login"))
                .post("/admin/realms/{realm}/authentication/flows", REALM).then().statusCode(201);
        String execution = flows.addRequired(postBroker, LimitedClient.LIMITER);
        assertEquals(201, flows.saveConfig(execution, "broker-limit-" + suffix, Map.of("realmLimit", "1")).statusCode());
        UpstreamIdentityProvider idp = UpstreamIdentityProvider.create(env.admin(), env.baseUrl(), REALM, postBroker, false);
        String clientId = "broker-app-" + suffix;
        String redirectUri = "http://127.0.0.1:9/" + clientId + "/callback";
        flows.createClient(clientId, redirectUri, null, null, Map.of());

        BrowserSession.Outcome first = idp.login(clientId, redirectUri);
        assertNotNull(first.code(), "the first brokered login passes: " + first.status() + " " + first.body());

        BrowserSession.Outcome second = idp.login(clientId, redirectUri);
        assertEquals(403, second.status(), "the second brokered login is over the limit: " + second.body());
        assertTrue(second.body().contains("maximum number of active sessions (1)"));
    }
}
