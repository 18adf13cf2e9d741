package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each revocation source, end to end: a token is issued, Keycloak revokes it, and a resource server's
 * {@link RevocationClient} on the same Redis rejects it while an untouched user's token stays accepted.
 */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class RevocationSourcesIT {

    static final String REALM = "guard-demo";
    static final String PASSWORD = "Correct-horse-42";

    static RedisClient jedis;
    static RevocationClient client;
    static Map<String, Object> bystander;

    @BeforeAll
    static void connectResourceServer(GuardEnvironment env) {
        jedis = RedisClient.create(env.redis().url());
        client = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                .pollBlock(Duration.ofMillis(200)).start();
        bystander = claims(login(env, KeycloakAdmin.uniqueUsername("bystander")).accessToken);
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
        if (jedis != null) {
            jedis.close();
        }
    }

    record LoggedIn(String userId, String username, String accessToken, String refreshToken) {
    }

    static LoggedIn login(GuardEnvironment env, String username) {
        String id = env.admin().createUser(REALM, username, PASSWORD);
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, PASSWORD);
        return new LoggedIn(id, username, (String) tokens.get("access_token"), (String) tokens.get("refresh_token"));
    }

    static Map<String, Object> claims(String jwt) {
        return Tokens.claims(jwt);
    }

    static void assertRevokedButBystanderAccepted(LoggedIn user) {
        Map<String, Object> claims = claims(user.accessToken);
        Await.until(() -> client.isRevoked(claims), Duration.ofSeconds(15), "the token of " + user.username + " is rejected");
        assertFalse(client.isRevoked(bystander), "an untouched user's token must stay accepted");
    }

    @Test
    void userLogoutAtTheLogoutEndpoint(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("logout"));
        assertFalse(client.isRevoked(claims(user.accessToken)));
        Tokens.logout(env.baseUrl(), REALM, "demo-cli", user.refreshToken);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void adminSignsOutOneSession(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("admin-session"));
        String sid = (String) claims(user.accessToken).get("sid");
        env.admin().request().delete("/admin/realms/{realm}/sessions/{sid}", REALM, sid).then().statusCode(204);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void adminSignsOutAllSessionsOfAUser(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("admin-user-logout"));
        env.admin().request().post("/admin/realms/{realm}/users/{id}/logout", REALM, user.userId).then().statusCode(204);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void adminDisablesAUser(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("disabled"));
        Map<String, Object> representation = env.admin().request()
                .get("/admin/realms/{realm}/users/{id}", REALM, user.userId).then().statusCode(200).extract().as(Map.class);
        representation.put("enabled", false);
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", REALM, user.userId)
                .then().statusCode(204);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void adminUpdateThatKeepsTheUserEnabledRevokesNothing(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("renamed"));
        Map<String, Object> representation = env.admin().request()
                .get("/admin/realms/{realm}/users/{id}", REALM, user.userId).then().statusCode(200).extract().as(Map.class);
        representation.put("firstName", "Renamed");
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", REALM, user.userId)
                .then().statusCode(204);
        // A later revocation of another user proves the feed has moved past this update.
        LoggedIn marker = login(env, KeycloakAdmin.uniqueUsername("marker"));
        env.admin().request().post("/admin/realms/{realm}/users/{id}/logout", REALM, marker.userId).then().statusCode(204);
        assertRevokedButBystanderAccepted(marker);
        assertFalse(client.isRevoked(claims(user.accessToken)));
    }

    @Test
    void adminDeletesAUser(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("deleted"));
        env.admin().request().delete("/admin/realms/{realm}/users/{id}", REALM, user.userId).then().statusCode(204);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void adminResetsThePassword(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("reset"));
        env.admin().request().body(Map.of("type", "password", "value", "Another-horse-43", "temporary", false))
                .put("/admin/realms/{realm}/users/{id}/reset-password", REALM, user.userId).then().statusCode(204);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void accessTokenRevokedAtTheRfc7009Endpoint(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("rfc7009-access"));
        given().formParam("client_id", "demo-cli").formParam("token", user.accessToken)
                .formParam("token_type_hint", "access_token")
                .post(env.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/revoke")
                .then().statusCode(200);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void refreshTokenRevokedAtTheRfc7009Endpoint(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("rfc7009-refresh"));
        given().formParam("client_id", "demo-cli").formParam("token", user.refreshToken)
                .formParam("token_type_hint", "refresh_token")
                .post(env.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/revoke")
                .then().statusCode(200);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void adminSignsOutAllSessionsOfTheRealm(GuardEnvironment env) {
        // Its own realm: signing out everyone in the shared demo realm would touch every other test.
        String realm = "logout-all-" + KeycloakAdmin.uniqueUsername("r");
        env.admin().request().body(Map.of("realm", realm, "enabled", true,
                        "eventsListeners", List.of("guard-revocation"),
                        "clients", List.of(Map.of("clientId", "cli", "publicClient", true,
                                "directAccessGrantsEnabled", true, "standardFlowEnabled", false))))
                .post("/admin/realms").then().statusCode(201);
        try (RevocationClient realmClient = RevocationClient.builder(jedis, realm).keyPrefix(env.keyPrefix())
                .pollBlock(Duration.ofMillis(200)).start()) {
            String username = KeycloakAdmin.uniqueUsername("everyone");
            env.admin().createUser(realm, username, PASSWORD);
            Map<String, Object> claims = claims((String) Tokens.passwordGrant(env.baseUrl(), realm, "cli", username, PASSWORD)
                    .get("access_token"));
            assertFalse(realmClient.isRevoked(claims));

            env.admin().request().post("/admin/realms/{realm}/logout-all", realm).then().statusCode(200);

            Await.until(() -> realmClient.isRevoked(claims), Duration.ofSeconds(15),
                    "tokens issued before logout-all are rejected");
            assertFalse(client.isRevoked(bystander), "other realms are untouched");
        } finally {
            env.admin().request().delete("/admin/realms/{realm}", realm);
        }
    }

    @Test
    void userRevokesTheGrantInTheAccountConsole(GuardEnvironment env) {
        LoggedIn user = login(env, KeycloakAdmin.uniqueUsername("account-console"));
        // What the account console calls when the user removes an application's access.
        // Keycloak serves the account REST API only to requests that accept JSON.
        given().auth().oauth2(user.accessToken).accept("application/json")
                .delete(env.baseUrl() + "/realms/" + REALM + "/account/applications/demo-cli/consent")
                .then().statusCode(204);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void browserLogoutWithIdTokenHint(GuardEnvironment env) {
        String username = KeycloakAdmin.uniqueUsername("browser-logout");
        String userId = env.admin().createUser(REALM, username, PASSWORD);
        BrowserSession browser = new BrowserSession(env.baseUrl());
        Map<String, Object> tokens = browser.login(REALM, "demo-spa", "http://127.0.0.1:3000/callback", username, PASSWORD);
        LoggedIn user = new LoggedIn(userId, username, (String) tokens.get("access_token"), null);

        HttpResponse<String> logout = browser.get(env.baseUrl() + "/realms/" + REALM
                + "/protocol/openid-connect/logout?client_id=demo-spa&id_token_hint=" + tokens.get("id_token")
                + "&post_logout_redirect_uri=" + URLEncoder.encode("http://127.0.0.1:3000/", StandardCharsets.UTF_8));
        assertEquals(302, logout.statusCode(), logout.body());
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    void userChangesThePasswordInTheLoginFlow(GuardEnvironment env) {
        LoggedIn earlier = login(env, KeycloakAdmin.uniqueUsername("new-password"));
        Map<String, Object> representation = env.admin().request()
                .get("/admin/realms/{realm}/users/{id}", REALM, earlier.userId).then().statusCode(200).extract().as(Map.class);
        representation.put("requiredActions", List.of("UPDATE_PASSWORD"));
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", REALM, earlier.userId)
                .then().statusCode(204);
        // Revocations have one-second resolution: let the earlier token's second pass.
        Await.sleep(Duration.ofMillis(1100));

        BrowserSession browser = new BrowserSession(env.baseUrl());
        BrowserSession.LoginPage page = browser.openLoginPage(REALM, "demo-spa", "http://127.0.0.1:3000/callback");
        BrowserSession.Outcome updatePassword = browser.submitCredentials(page, earlier.username, PASSWORD);
        assertTrue(updatePassword.body().contains("password-new"), "expected the update-password page");
        BrowserSession.Outcome done = browser.submitForm(BrowserSession.formAction(updatePassword.body()),
                Map.of("password-new", "Another-horse-43", "password-confirm", "Another-horse-43"));
        Map<String, Object> fresh = browser.exchangeCode(page, done.code());

        assertRevokedButBystanderAccepted(earlier);
        assertFalse(client.isRevoked(claims((String) fresh.get("access_token"))),
                "the token issued with the new password stays valid");
    }



    @Test
    void adminDeletesTheUsersConsent(GuardEnvironment env) {
        String clientId = "consent-app-" + UUID.randomUUID().toString().substring(0, 6);
        String redirectUri = "http://127.0.0.1:9/" + clientId + "/callback";
        new AuthFlows(env.admin(), REALM).createClient(clientId, redirectUri, null, null, Map.of("consentRequired", true));
        String username = KeycloakAdmin.uniqueUsername("consent");
        String userId = env.admin().createUser(REALM, username, PASSWORD);

        BrowserSession browser = new BrowserSession(env.baseUrl());
        BrowserSession.LoginPage page = browser.openLoginPage(REALM, clientId, redirectUri);
        BrowserSession.Outcome consent = browser.submitCredentials(page, username, PASSWORD);
        Matcher code = Pattern.compile("name=\"code\" value=\"([^\"]+)\"").matcher(consent.body());
        assertTrue(code.find(), "expected the consent page: " + consent.body());
        BrowserSession.Outcome granted = browser.submitForm(BrowserSession.formAction(consent.body()),
                Map.of("code", code.group(1), "accept", "Yes"));
        Map<String, Object> tokens = browser.exchangeCode(page, granted.code());
        LoggedIn user = new LoggedIn(userId, username, (String) tokens.get("access_token"), null);
        assertFalse(client.isRevoked(claims(user.accessToken)));

        env.admin().request().delete("/admin/realms/{realm}/users/{id}/consents/{client}", REALM, userId, clientId)
                .then().statusCode(204);
        assertRevokedButBystanderAccepted(user);
    }

    @Test
    @SuppressWarnings("unchecked")
    void userSetsUpThenRemovesAnOtpCredential(GuardEnvironment env) {
        LoggedIn earlier = login(env, KeycloakAdmin.uniqueUsername("otp"));
        Map<String, Object> representation = env.admin().request()
                .get("/admin/realms/{realm}/users/{id}", REALM, earlier.userId).then().statusCode(200).extract().as(Map.class);
        representation.put("requiredActions", List.of("CONFIGURE_TOTP"));
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", REALM, earlier.userId)
                .then().statusCode(204);
        Await.sleep(Duration.ofMillis(1100));

        // Set up OTP in the login flow (UPDATE_CREDENTIAL): tokens from before are revoked.
        BrowserSession browser = new BrowserSession(env.baseUrl());
        BrowserSession.LoginPage page = browser.openLoginPage(REALM, "demo-spa", "http://127.0.0.1:3000/callback");
        BrowserSession.Outcome setup = browser.submitCredentials(page, earlier.username, PASSWORD);
        Matcher secret = Pattern.compile("name=\"totpSecret\" value=\"([^\"]+)\"").matcher(setup.body());
        assertTrue(secret.find(), "expected the OTP setup page: " + setup.body());
        String base32 = new org.apache.commons.codec.binary.Base32()
                .encodeToString(secret.group(1).getBytes(StandardCharsets.UTF_8));
        String otp = String.format("%06d", new com.warrenstrange.googleauth.GoogleAuthenticator().getTotpPassword(base32));
        BrowserSession.Outcome done = browser.submitForm(BrowserSession.formAction(setup.body()),
                Map.of("totp", otp, "totpSecret", secret.group(1), "userLabel", "phone"));
        assertTrue(done.code() != null, "OTP setup should finish the login: " + done.body());
        Map<String, Object> fresh = browser.exchangeCode(page, done.code());
        assertRevokedButBystanderAccepted(earlier);
        String freshToken = (String) fresh.get("access_token");
        assertFalse(client.isRevoked(claims(freshToken)), "the token issued with the new OTP stays valid");

        // Remove it the way the account console does (the delete_credential application-initiated action,
        // REMOVE_CREDENTIAL): the user's tokens are revoked.
        List<Map<String, Object>> credentials = given().auth().oauth2(freshToken).accept("application/json")
                .get(env.baseUrl() + "/realms/" + REALM + "/account/credentials")
                .then().statusCode(200).extract().jsonPath().getList("");
        String otpId = credentials.stream().filter(c -> "otp".equals(c.get("type")))
                .flatMap(c -> ((List<Map<String, Object>>) c.get("userCredentialMetadatas")).stream())
                .map(m -> (String) ((Map<String, Object>) m.get("credential")).get("id"))
                .findFirst().orElseThrow(() -> new AssertionError("no OTP credential in " + credentials));
        Await.sleep(Duration.ofMillis(1100));
        BrowserSession.LoginPage confirm = browser.openLoginPage(REALM, "demo-spa", "http://127.0.0.1:3000/callback",
                Map.of("kc_action", "delete_credential:" + otpId));
        BrowserSession.Outcome deleted = browser.submitForm(confirm.formAction(), Map.of("accept", ""));
        assertTrue(deleted.code() != null, "the deletion returns to the app: " + deleted.body());
        assertRevokedButBystanderAccepted(new LoggedIn(earlier.userId, earlier.username, freshToken, null));
    }
}
