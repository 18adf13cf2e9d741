package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.AccountApi;
import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.keycloakguard.it.sessionlimits.DemoRealm.PASSWORD;
import static io.keycloakguard.it.sessionlimits.DemoRealm.REALM;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /realms/{realm}/guard-account/sessions}: a user lists and ends their own sessions, and only those. */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class AccountSessionsIT {

    static GuardEnvironment env;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        DemoRealm.env = environment;
    }

    private String url() {
        return env.baseUrl() + "/realms/" + REALM + "/guard-account/sessions";
    }

    private Map<String, Object> login(String user) {
        return Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", user, PASSWORD);
    }

    @Test
    void aUserSeesAndEndsOnlyTheirOwnSessions() {
        String alice = DemoRealm.newUser("account-a");
        String bob = DemoRealm.newUser("account-b");
        Map<String, Object> alice1 = login(alice);
        Map<String, Object> alice2 = login(alice);
        Map<String, Object> bob1 = login(bob);
        String aliceToken = (String) alice1.get("access_token");

        List<Map<String, Object>> listed = given().auth().oauth2(aliceToken).get(url())
                .then().statusCode(200).extract().jsonPath().getList("");
        List<Object> ids = listed.stream().map(s -> s.get("id")).toList();
        assertEquals(2, ids.size(), listed.toString());
        assertTrue(ids.containsAll(List.of(DemoRealm.sid(alice1), DemoRealm.sid(alice2))));
        assertFalse(ids.contains(DemoRealm.sid(bob1)));
        Map<String, Object> current = listed.stream().filter(s -> Boolean.TRUE.equals(s.get("current"))).findFirst().orElseThrow();
        assertEquals(DemoRealm.sid(alice1), current.get("id"));
        assertEquals(List.of("demo-cli"), current.get("clients"));

        given().auth().oauth2(aliceToken).delete(url() + "/" + DemoRealm.sid(bob1)).then().statusCode(404);
        assertTrue(DemoRealm.sessionIds(bob).contains(DemoRealm.sid(bob1)), "Bob's session survives");

        given().auth().oauth2(aliceToken).delete(url() + "/" + DemoRealm.sid(alice2)).then().statusCode(204);
        assertEquals(List.of(DemoRealm.sid(alice1)), DemoRealm.sessionIds(alice));
        given().auth().oauth2(aliceToken).delete(url() + "/" + DemoRealm.sid(alice2)).then().statusCode(404);
    }

    @Test
    void noValidBearerTokenNoAnswer() {
        given().get(url()).then().statusCode(401);
        given().auth().oauth2("not-a-jwt").get(url()).then().statusCode(401);
        given().auth().oauth2("not-a-jwt").delete(url() + "/whatever").then().statusCode(401);
        String user = DemoRealm.newUser("account-gone");
        Map<String, Object> tokens = login(user);
        Tokens.logout(env.baseUrl(), REALM, "demo-cli", tokens.get("refresh_token"));
        given().auth().oauth2((String) tokens.get("access_token")).get(url()).then().statusCode(401);
    }

    /**
     * A token of a client given no account access (full scope off, no account roles) lists and ends nothing, and
     * gets the answer Keycloak's own account API gives the same token for its sessions; so does a token that carries
     * the {@code account} audience but no account role (403 from both). A full token still works.
     */
    @Test
    void aTokenWithoutAccountAccessIsRefusedLikeKeycloaksOwnAccountApi() {
        String user = DemoRealm.newUser("account-lowtrust");
        Map<String, Object> normal = login(user);
        String normalSid = DemoRealm.sid(normal);
        String lowTrust = (String) Tokens.passwordGrant(env.baseUrl(), REALM,
                AccountApi.lowTrustClient(env.admin(), REALM, false), user, PASSWORD).get("access_token");
        String audienceOnly = (String) Tokens.passwordGrant(env.baseUrl(), REALM,
                AccountApi.lowTrustClient(env.admin(), REALM, true), user, PASSWORD).get("access_token");

        for (String token : List.of(lowTrust, audienceOnly)) {
            String which = token == lowTrust ? "a low-trust token" : "an account-audience token without account roles";
            int keycloakList = AccountApi.call(env.baseUrl(), REALM, "GET", "/sessions", token).statusCode();
            int keycloakEnd = AccountApi.call(env.baseUrl(), REALM, "DELETE", "/sessions/" + UUID.randomUUID(), token)
                    .statusCode();
            assertTrue(keycloakList == 401 || keycloakList == 403, "Keycloak's account API refuses " + which);
            assertEquals(keycloakList, given().auth().oauth2(token).get(url()).statusCode(),
                    "guard-account lists sessions for " + which + " as Keycloak's account API does");
            assertEquals(keycloakEnd, given().auth().oauth2(token).delete(url() + "/" + normalSid).statusCode(),
                    "guard-account ends a session for " + which + " as Keycloak's account API does");
        }
        assertEquals(403, AccountApi.call(env.baseUrl(), REALM, "GET", "/sessions", audienceOnly).statusCode(),
                "Keycloak: the account audience alone is not enough");
        assertTrue(DemoRealm.sessionIds(user).contains(normalSid), "the session survives");

        String full = (String) normal.get("access_token");
        assertEquals(200, AccountApi.call(env.baseUrl(), REALM, "GET", "/sessions", full).statusCode());
        List<Map<String, Object>> listed = given().auth().oauth2(full).get(url()).then().statusCode(200)
                .extract().jsonPath().getList("");
        assertTrue(listed.stream().anyMatch(s -> normalSid.equals(s.get("id"))), listed.toString());
    }

    /** The ended session's clients hear of it (back-channel logout, sent once the request has committed). */
    @Test
    void anEndedSessionsClientsAreLoggedOut() throws Exception {
        try (LogoutReceiver receiver = LogoutReceiver.start()) {
            String clientId = "account-rp-" + UUID.randomUUID().toString().substring(0, 6);
            new AuthFlows(env.admin(), REALM).createClient(clientId, "http://127.0.0.1:9/" + clientId + "/cb", null, null,
                    receiver.clientAttributes());
            String user = DemoRealm.newUser("account-rp");
            Map<String, Object> atClient = Tokens.passwordGrant(env.baseUrl(), REALM, clientId, user, PASSWORD);
            Map<String, Object> own = login(user);

            given().auth().oauth2((String) own.get("access_token")).delete(url() + "/" + DemoRealm.sid(atClient))
                    .then().statusCode(204);
            Await.until(() -> receiver.sessionsLoggedOut().contains(DemoRealm.sid(atClient)), Duration.ofSeconds(15),
                    "the client receives a back-channel logout");
            assertEquals(List.of(DemoRealm.sid(own)), DemoRealm.sessionIds(user));
        }
    }
}
