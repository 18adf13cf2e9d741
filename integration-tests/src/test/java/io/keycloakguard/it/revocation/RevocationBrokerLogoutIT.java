package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.harness.UpstreamIdentityProvider;
import io.keycloakguard.revocation.RevocationClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A logout at the external identity provider reaches Keycloak as an OIDC back-channel logout; the brokered
 * session it ends is revoked for resource servers too.
 */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class RevocationBrokerLogoutIT {

    static final String REALM = "guard-demo";

    @Test
    void backChannelLogoutFromTheIdentityProviderRevokesTheBrokeredSession(GuardEnvironment env) {
        UpstreamIdentityProvider idp = UpstreamIdentityProvider.create(env.admin(), env.baseUrl(), REALM, null, true);
        String clientId = "brokered-app-" + UUID.randomUUID().toString().substring(0, 6);
        String redirectUri = "http://127.0.0.1:9/" + clientId + "/callback";
        new AuthFlows(env.admin(), REALM).createClient(clientId, redirectUri, null, null, Map.of());

        BrowserSession.Outcome login = idp.login(clientId, redirectUri);
        assertNotNull(login.code(), "brokered login: " + login.status() + " " + login.body());
        Map<String, Object> tokens = given().formParam("grant_type", "authorization_code")
                .formParam("client_id", clientId).formParam("redirect_uri", redirectUri)
                .formParam("code", login.code()).post(Tokens.tokenEndpoint(env.baseUrl(), REALM))
                .then().statusCode(200).extract().as(Map.class);
        Map<String, Object> claims = Tokens.claims((String) tokens.get("access_token"));

        String bystanderName = KeycloakAdmin.uniqueUsername("broker-bystander");
        env.admin().createUser(REALM, bystanderName, "Correct-horse-42");
        Map<String, Object> bystander = Tokens.claims((String) Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli",
                bystanderName, "Correct-horse-42").get("access_token"));

        try (RedisClient jedis = RedisClient.create(env.redis().url());
             RevocationClient client = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                     .pollBlock(Duration.ofMillis(200)).start()) {
            assertFalse(client.isRevoked(claims));
            // The IdP's admin signs the user out there; the IdP sends a logout token to Keycloak.
            env.admin().request().post("/admin/realms/{realm}/users/{id}/logout", idp.upstreamRealm(), idp.upstreamUserId())
                    .then().statusCode(204);
            Await.until(() -> client.isRevoked(claims), Duration.ofSeconds(15), "the brokered session is revoked");
            assertFalse(client.isRevoked(bystander), "an untouched user's token stays accepted");
        }
    }
}
