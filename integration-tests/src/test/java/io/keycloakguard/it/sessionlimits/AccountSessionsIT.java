package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.keycloakguard.it.sessionlimits.SessionLimitIT.PASSWORD;
import static io.keycloakguard.it.sessionlimits.SessionLimitIT.REALM;
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
        SessionLimitIT.env = environment;
    }

    private String url() {
        return env.baseUrl() + "/realms/" + REALM + "/guard-account/sessions";
    }

    private Map<String, Object> login(String user) {
        return Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", user, PASSWORD);
    }

    @Test
    void aUserSeesAndEndsOnlyTheirOwnSessions() {
        String alice = SessionLimitIT.newUser("account-a");
        String bob = SessionLimitIT.newUser("account-b");
        Map<String, Object> alice1 = login(alice);
        Map<String, Object> alice2 = login(alice);
        Map<String, Object> bob1 = login(bob);
        String aliceToken = (String) alice1.get("access_token");

        List<Map<String, Object>> listed = given().auth().oauth2(aliceToken).get(url())
                .then().statusCode(200).extract().jsonPath().getList("");
        List<Object> ids = listed.stream().map(s -> s.get("id")).toList();
        assertEquals(2, ids.size(), listed.toString());
        assertTrue(ids.containsAll(List.of(SessionLimitIT.sid(alice1), SessionLimitIT.sid(alice2))));
        assertFalse(ids.contains(SessionLimitIT.sid(bob1)));
        Map<String, Object> current = listed.stream().filter(s -> Boolean.TRUE.equals(s.get("current"))).findFirst().orElseThrow();
        assertEquals(SessionLimitIT.sid(alice1), current.get("id"));
        assertEquals(List.of("demo-cli"), current.get("clients"));

        given().auth().oauth2(aliceToken).delete(url() + "/" + SessionLimitIT.sid(bob1)).then().statusCode(404);
        assertTrue(SessionLimitIT.sessionIds(bob).contains(SessionLimitIT.sid(bob1)), "Bob's session survives");

        given().auth().oauth2(aliceToken).delete(url() + "/" + SessionLimitIT.sid(alice2)).then().statusCode(204);
        assertEquals(List.of(SessionLimitIT.sid(alice1)), SessionLimitIT.sessionIds(alice));
        given().auth().oauth2(aliceToken).delete(url() + "/" + SessionLimitIT.sid(alice2)).then().statusCode(404);
    }

    @Test
    void noValidBearerTokenNoAnswer() {
        given().get(url()).then().statusCode(401);
        given().auth().oauth2("not-a-jwt").get(url()).then().statusCode(401);
        given().auth().oauth2("not-a-jwt").delete(url() + "/whatever").then().statusCode(401);
        String user = SessionLimitIT.newUser("account-gone");
        Map<String, Object> tokens = login(user);
        Tokens.logout(env.baseUrl(), REALM, "demo-cli", tokens.get("refresh_token"));
        given().auth().oauth2((String) tokens.get("access_token")).get(url()).then().statusCode(401);
    }
}
