package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.LoginPages;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IP allow/deny lists must not tell an attacker on a denied network whether a password is right. Where the policy
 * has to run after the password step (group rules need the user), a denial answers exactly as a wrong password does:
 * the same status and body in the direct grant, the same login page (with the same error) in the browser.
 */
@ExtendWith(KeycloakGuardExtension.class)
class IpPolicyOracleIT {

    static final String WRONG = "Wrong-horse-42";
    static final String DENIED = "203.0.113.61";
    static NetworkRealm realm;
    static String group;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        realm = NetworkRealm.create(env, "iporacle");
        group = "contractors-" + UUID.randomUUID().toString().substring(0, 6);
        realm.admin().request().body(Map.of("name", group)).post("/admin/realms/{realm}/groups", realm.name())
                .then().statusCode(201);
    }

    private static String member(String hint) {
        String user = realm.newUser(hint);
        String groupId = realm.admin().request().get("/admin/realms/{realm}/groups?search={g}", realm.name(), group)
                .then().statusCode(200).extract().path("[0].id");
        realm.admin().request().put("/admin/realms/{realm}/users/{id}/groups/{group}", realm.name(), realm.userId(user),
                groupId).then().statusCode(204);
        return user;
    }

    private static Response grant(IpPolicyClient client, String user, String password) {
        return given().header(NetworkRealm.XFF, DENIED)
                .formParam("grant_type", "password").formParam("client_id", client.clientId())
                .formParam("username", user).formParam("password", password).formParam("scope", "openid")
                .post(Tokens.tokenEndpoint(realm.env().baseUrl(), realm.name()));
    }

    @Test
    void aDeniedGroupMemberGetsTheWrongPasswordAnswerInTheDirectGrant() {
        IpPolicyClient client = IpPolicyClient.create(realm, "oracle-dg", Map.of("groupRules", "/" + group + "=198.51.100.0/24"),
                IpPolicyClient.Placement.AFTER_PASSWORD);
        String user = member("oracle-dg");
        Response wrong = grant(client, user, WRONG);
        Response right = grant(client, user, NetworkRealm.PASSWORD);
        assertEquals(wrong.statusCode() + " " + wrong.asString(), right.statusCode() + " " + right.asString(),
                "from a denied network the right password must be answered like a wrong one");
        assertEquals(400, right.statusCode());
        assertEquals("invalid_grant", right.jsonPath().getString("error"));

        // The admin still sees why: the denial is recorded with its reason.
        List<Map<String, Object>> denials = realm.events("LOGIN_ERROR", user).stream()
                .filter(e -> "guard_ip_denied".equals(e.get("error"))).toList();
        assertEquals(1, denials.size(), denials.toString());
        assertEquals("group-allow:/" + group, ((Map<?, ?>) denials.get(0).get("details")).get("reason"));
        assertTrue(realm.sessions(user).isEmpty());
        // From an allowed network the member signs in.
        assertEquals(200, realm.passwordGrantFrom("198.51.100.61", client.clientId(), user).statusCode());
    }

    @Test
    void aDeniedGroupMemberGetsTheWrongPasswordPageInTheBrowser() {
        IpPolicyClient client = IpPolicyClient.create(realm, "oracle-br", Map.of("groupRules", "/" + group + "=198.51.100.0/24"),
                IpPolicyClient.Placement.AFTER_PASSWORD);
        String user = member("oracle-br");
        BrowserSession.Outcome wrong = signIn(client, user, WRONG);
        BrowserSession.Outcome right = signIn(client, user, NetworkRealm.PASSWORD);
        assertEquals(200, wrong.status(), wrong.body());
        assertTrue(wrong.body().contains("Invalid username or password"), wrong.body());
        assertEquals(wrong.status(), right.status(), "the same status: " + right.body());
        assertEquals(LoginPages.normalized(wrong.body()), LoginPages.normalized(right.body()),
                "from a denied network the right password must get the wrong password's page");
        assertTrue(realm.sessions(user).isEmpty());

        // The page is a working login form: from it, the same browser is refused again the same way.
        BrowserSession browser = new BrowserSession(realm.env().baseUrl()).forwardedFor(DENIED);
        BrowserSession.LoginPage page = browser.openLoginPage(realm.name(), client.clientId(), client.redirectUri());
        BrowserSession.Outcome first = browser.submitCredentials(page, user, NetworkRealm.PASSWORD);
        BrowserSession.Outcome again = browser.submitForm(BrowserSession.formAction(first.body()),
                Map.of("username", user, "password", NetworkRealm.PASSWORD, "credentialId", ""));
        assertEquals(LoginPages.normalized(wrong.body()), LoginPages.normalized(again.body()), "a second try from the page");
    }

    private static BrowserSession.Outcome signIn(IpPolicyClient client, String user, String password) {
        BrowserSession browser = new BrowserSession(realm.env().baseUrl()).forwardedFor(DENIED);
        BrowserSession.LoginPage page = browser.openLoginPage(realm.name(), client.clientId(), client.redirectUri());
        return browser.submitCredentials(page, user, password);
    }
}
