package io.keycloakguard.it.realmconfig;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.LoginPages;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped variants with a deny list (GUARD_IP_DENY): from a denied network, the right and the wrong password get
 * the same answer, in the browser and in the direct grant (dev's app-cli), so the lists are no password oracle. The
 * variants judge the network first, before any password is checked.
 */
@ExtendWith(KeycloakGuardExtension.class)
class ShippedIpPolicyIT {

    private static final String PASSWORD = "violet-staple-orbit-42";
    private static final String WRONG = "violet-staple-orbit-43";
    private static final String DENIED_NETWORK = "203.0.113.0/24";

    @ParameterizedTest
    @EnumSource(Variant.class)
    void rightAndWrongPasswordsGetTheSameAnswerFromADeniedNetwork(Variant v, GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        AuthFlows flows = new AuthFlows(admin, v.realm);
        Map<String, Object> policy = flows.executions("guard browser forms").stream()
                .filter(e -> "guard-ip-policy".equals(e.get("providerId"))).findFirst().orElseThrow();
        String configId = (String) policy.get("authenticationConfig");
        Map<String, Object> config = admin.request().get("/admin/realms/{realm}/authentication/config/{id}", v.realm, configId)
                .then().statusCode(200).extract().as(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, String> original = (Map<String, String>) config.get("config");
        Map<String, String> denying = new HashMap<>(original);
        denying.put("realmDeny", DENIED_NETWORK);
        String sslRequired = admin.request().get("/admin/realms/{realm}", v.realm).then().statusCode(200)
                .extract().path("sslRequired");
        admin.request().body(Map.of("sslRequired", "none")).put("/admin/realms/{realm}", v.realm).then().statusCode(204);
        assertEquals(204, flows.updateConfig(configId, (String) config.get("alias"), denying).statusCode());
        try {
            String username = KeycloakAdmin.uniqueUsername("denied");
            admin.createUser(v.realm, username, PASSWORD);

            // One attacker on one denied address tries both.
            BrowserSession.Outcome wrong = browserSignIn(env, v, username, WRONG, "203.0.113.71");
            BrowserSession.Outcome right = browserSignIn(env, v, username, PASSWORD, "203.0.113.71");
            assertEquals(wrong.status() + " " + LoginPages.normalized(wrong.body()),
                    right.status() + " " + LoginPages.normalized(right.body()),
                    v + ": the browser's answer from a denied network must not depend on the password");
            assertEquals(403, right.status(), "the IP-denied page: " + right.body());

            if (v.hasCli) {
                Response wrongGrant = grant(env, v, username, WRONG, "203.0.113.73");
                Response rightGrant = grant(env, v, username, PASSWORD, "203.0.113.73");
                assertEquals(wrongGrant.statusCode() + " " + wrongGrant.asString(),
                        rightGrant.statusCode() + " " + rightGrant.asString(),
                        v + ": the direct grant's answer from a denied network must not depend on the password");
                assertEquals("access_denied", rightGrant.jsonPath().getString("error"));
            }
            assertEquals(0, ((Number) policy.get("index")).intValue(), "the IP policy comes first in the forms");
            // The list denies only its network.
            AppSignIn owner = new AppSignIn(env.baseUrl(), v.realm, username, PASSWORD);
            assertTrue(owner.signIn(owner.browser("198.51.100.71")).atApp(), v + ": signs in from another network");
        } finally {
            flows.updateConfig(configId, (String) config.get("alias"), original);
            admin.request().body(Map.of("sslRequired", sslRequired)).put("/admin/realms/{realm}", v.realm);
        }
    }

    /** The login page if Keycloak shows one (then the password is posted), else what it shows instead. */
    private static BrowserSession.Outcome browserSignIn(GuardEnvironment env, Variant v, String username, String password,
                                                        String address) {
        BrowserSession browser = new BrowserSession(env.baseUrl()).forwardedFor(address);
        BrowserSession.Outcome page = browser.open(env.baseUrl() + "/realms/" + v.realm
                + "/protocol/openid-connect/auth?client_id=" + AppSignIn.CLIENT + "&response_type=code&scope=openid"
                + "&redirect_uri=" + AppSignIn.REDIRECT
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        if (page.status() != 200 || !page.body().contains("name=\"password\"")) {
            return page;
        }
        return browser.submitForm(BrowserSession.formAction(page.body()),
                Map.of("username", username, "password", password, "credentialId", ""));
    }

    private static Response grant(GuardEnvironment env, Variant v, String username, String password, String address) {
        return given().header("X-Forwarded-For", address)
                .formParam("grant_type", "password").formParam("client_id", "app-cli")
                .formParam("username", username).formParam("password", password)
                .post(Tokens.tokenEndpoint(env.baseUrl(), v.realm));
    }
}
