package io.keycloakguard.it.foundation;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class LoginIT {

    static final String REALM = "guard-demo";

    @Test
    void passwordGrantIssuesTokens(GuardEnvironment env) {
        String username = KeycloakAdmin.uniqueUsername("pw");
        env.admin().createUser(REALM, username, "Correct-horse-42");

        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42");
        assertNotNull(tokens.get("access_token"));
        assertNotNull(tokens.get("refresh_token"));

        String preferredUsername = given().auth().oauth2((String) tokens.get("access_token"))
                .get(env.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/userinfo")
                .then().statusCode(200).extract().path("preferred_username");
        assertEquals(username, preferredUsername);
    }

    @Test
    void wrongPasswordIsRefused(GuardEnvironment env) {
        String username = KeycloakAdmin.uniqueUsername("pw-wrong");
        env.admin().createUser(REALM, username, "Correct-horse-42");
        String error = Tokens.passwordGrantResponse(env.baseUrl(), REALM, "demo-cli", username, "wrong")
                .then().statusCode(Tokens.wrongPasswordStatus()).extract().path("error");
        assertEquals("invalid_grant", error);
    }

    @Test
    void browserAuthorizationCodeFlowWithPkce(GuardEnvironment env) {
        String username = KeycloakAdmin.uniqueUsername("browser");
        env.admin().createUser(REALM, username, "Correct-horse-42");

        BrowserSession browser = new BrowserSession(env.baseUrl());
        BrowserSession.LoginPage page = browser.openLoginPage(REALM, "demo-spa", "http://127.0.0.1:3000/callback");
        assertTrue(page.html().contains("kc-form-login"), "not the login page");

        BrowserSession.Outcome outcome = browser.submitCredentials(page, username, "Correct-horse-42");
        assertTrue(outcome.location().startsWith("http://127.0.0.1:3000/callback"), outcome.toString());
        assertNotNull(outcome.code(), outcome.toString());

        Map<String, Object> tokens = browser.exchangeCode(page, outcome.code());
        assertNotNull(tokens.get("access_token"));
        assertTrue(browser.cookies().containsKey("KEYCLOAK_IDENTITY"), "no SSO cookie: " + browser.cookies().keySet());
    }
}
