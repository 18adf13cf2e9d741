package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way Keycloak itself stops honouring a token, beyond the logouts and admin actions of RevocationSourcesIT,
 * reaches the feed: realm and client not-before ("Set to now", "Push"), a client disabled or deleted, an admin
 * deleting a credential, a permanent brute-force lockout, a user deleting their account, an offline session ended.
 * Each test checks that Keycloak's own introspection and the resource server's client agree, and that tokens not
 * covered stay accepted by both. Each uses a realm of its own.
 */
@ExtendWith(KeycloakGuardExtension.class)
class KeycloakRevocationSourcesIT {

    static FeedRealm realm(GuardEnvironment env, Map<String, Object> settings) {
        return new FeedRealm(env, "sources", settings,
                List.of(FeedRealm.publicClient("app", null), FeedRealm.publicClient("other-app", null)));
    }

    /** Keycloak and the feed agree that the token is no longer valid. */
    static void rejectedByBoth(FeedRealm realm, FeedRealm.User user) {
        assertFalse(realm.keycloakSaysActive(user.accessToken()), "Keycloak's introspection says inactive");
        Await.until(() -> realm.revoked(user), Duration.ofSeconds(15), "the resource server rejects it too");
    }

    static void acceptedByBoth(FeedRealm realm, FeedRealm.User user) {
        assertTrue(realm.keycloakSaysActive(user.accessToken()), "Keycloak still accepts it");
        assertFalse(realm.revoked(user), "so does the resource server");
    }

    /** Not-before has one-second resolution: let the seconds of tokens issued so far pass. */
    static int notBeforeAfterTheTokensSoFar() {
        Await.sleep(Duration.ofMillis(1100));
        return (int) FeedRealm.now();
    }

    @Test
    void realmNotBeforeSetToNowThenPushed(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, Map.of())) {
            FeedRealm.User earlier = realm.newUserSignedIn("app");
            acceptedByBoth(realm, earlier);

            Map<String, Object> settings = realm.representation("");
            settings.put("notBefore", notBeforeAfterTheTokensSoFar());    // Sessions → Revocation → Set to now
            realm.update("", settings);
            rejectedByBoth(realm, earlier);

            FeedRealm.User later = realm.signIn(earlier, "app");
            acceptedByBoth(realm, later);

            env.admin().request().post("/admin/realms/{realm}/push-revocation", realm.name).then().statusCode(200);
            Await.sleep(Duration.ofMillis(500));
            acceptedByBoth(realm, later);
            assertTrue(realm.revoked(earlier));
        }
    }

    @Test
    void clientNotBeforeSetToNowThenPushed(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, Map.of())) {
            FeedRealm.User user = realm.newUserSignedIn("app");
            FeedRealm.User sameUserOtherApp = realm.signIn(user, "other-app");
            String uuid = realm.clientUuid("app");

            Map<String, Object> client = realm.representation("/clients/" + uuid);
            client.put("notBefore", notBeforeAfterTheTokensSoFar());    // Client → Advanced → Revocation → Set to now
            realm.update("/clients/" + uuid, client);
            rejectedByBoth(realm, user);
            acceptedByBoth(realm, sameUserOtherApp);

            FeedRealm.User later = realm.signIn(user, "app");
            acceptedByBoth(realm, later);
            env.admin().request().post("/admin/realms/{realm}/clients/{id}/push-revocation", realm.name, uuid)
                    .then().statusCode(200);
            Await.sleep(Duration.ofMillis(500));
            acceptedByBoth(realm, later);
        }
    }

    @Test
    void clientDisabled(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, Map.of())) {
            FeedRealm.User user = realm.newUserSignedIn("app");
            FeedRealm.User otherApp = realm.signIn(user, "other-app");
            String uuid = realm.clientUuid("app");
            Map<String, Object> client = realm.representation("/clients/" + uuid);
            client.put("enabled", false);
            realm.update("/clients/" + uuid, client);
            rejectedByBoth(realm, user);
            acceptedByBoth(realm, otherApp);
        }
    }

    @Test
    void clientDeleted(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, Map.of())) {
            FeedRealm.User user = realm.newUserSignedIn("app");
            FeedRealm.User otherApp = realm.signIn(user, "other-app");
            env.admin().request().delete("/admin/realms/{realm}/clients/{id}", realm.name, realm.clientUuid("app"))
                    .then().statusCode(204);
            rejectedByBoth(realm, user);
            acceptedByBoth(realm, otherApp);
        }
    }

    @Test
    void adminDeletesTheUsersPassword(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, Map.of())) {
            FeedRealm.User user = realm.newUserSignedIn("app");
            FeedRealm.User bystander = realm.newUserSignedIn("app");
            String credentialId = env.admin().request().get("/admin/realms/{realm}/users/{id}/credentials", realm.name, user.id())
                    .then().statusCode(200).extract().jsonPath().getString("find { it.type == 'password' }.id");
            env.admin().request().delete("/admin/realms/{realm}/users/{id}/credentials/{cid}", realm.name, user.id(), credentialId)
                    .then().statusCode(204);
            Await.until(() -> realm.revoked(user), Duration.ofSeconds(15), "the user's tokens are rejected");
            acceptedByBoth(realm, bystander);
        }
    }

    @Test
    void permanentBruteForceLockout(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, Map.of("bruteForceProtected", true, "permanentLockout", true,
                "failureFactor", 2, "maxTemporaryLockouts", 0, "quickLoginCheckMilliSeconds", 0))) {
            FeedRealm.User user = realm.newUserSignedIn("app");
            FeedRealm.User bystander = realm.newUserSignedIn("app");
            for (int i = 0; i < 3; i++) {
                Tokens.passwordGrantResponse(env.baseUrl(), realm.name, "app", user.username(), "wrong-" + i);
            }
            Await.until(() -> !(Boolean) realm.representation("/users/" + user.id()).get("enabled"), Duration.ofSeconds(15),
                    "Keycloak disabled the user for good");
            rejectedByBoth(realm, user);
            acceptedByBoth(realm, bystander);
        }
    }

    @Test
    void theUserDeletesTheirAccount(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, Map.of())) {
            env.admin().request().body(Map.of("alias", "delete_account", "name", "Delete Account",
                            "providerId", "delete_account", "enabled", true, "defaultAction", false, "priority", 60, "config", Map.of()))
                    .put("/admin/realms/{realm}/authentication/required-actions/delete_account", realm.name)
                    .then().statusCode(204);
            FeedRealm.User user = realm.newUserSignedIn("app");
            FeedRealm.User bystander = realm.newUserSignedIn("app");
            env.admin().grantClientRole(realm.name, user.id(), "account", "delete-account");

            BrowserSession browser = new BrowserSession(env.baseUrl());
            BrowserSession.LoginPage page = browser.openLoginPage(realm.name, "app", "http://127.0.0.1:3000/callback",
                    Map.of("kc_action", "delete_account"));
            BrowserSession.Outcome confirm = browser.submitCredentials(page, user.username(), FeedRealm.PASSWORD);
            assertTrue(confirm.body().contains("delete"), "expected the delete-account confirmation: " + confirm.body());
            browser.submitForm(BrowserSession.formAction(confirm.body()), Map.of("accept", ""));
            Await.until(() -> env.admin().request().get("/admin/realms/{realm}/users/{id}", realm.name, user.id())
                    .statusCode() == 404, Duration.ofSeconds(15), "the account is gone");
            rejectedByBoth(realm, user);
            acceptedByBoth(realm, bystander);
        }
    }

    @Test
    void anAdminEndsAnOfflineSession(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, Map.of())) {
            FeedRealm.User user = realm.newUserSignedIn("app");
            Map<String, Object> offline = given().formParam("grant_type", "password").formParam("client_id", "app")
                    .formParam("username", user.username()).formParam("password", FeedRealm.PASSWORD)
                    .formParam("scope", "openid offline_access")
                    .post(Tokens.tokenEndpoint(env.baseUrl(), realm.name)).then().statusCode(200).extract().as(Map.class);
            FeedRealm.User offlineUser = new FeedRealm.User(user.id(), user.username(), offline);
            String sid = (String) offlineUser.claims().get("sid");
            acceptedByBoth(realm, offlineUser);

            env.admin().request().queryParam("isOffline", true)
                    .delete("/admin/realms/{realm}/sessions/{sid}", realm.name, sid).then().statusCode(204);
            Await.until(() -> Tokens.refreshResponse(env.baseUrl(), realm.name, "app", offline.get("refresh_token"))
                    .statusCode() == 400, Duration.ofSeconds(15), "Keycloak refuses the offline token now");
            Await.until(() -> realm.revoked(offlineUser), Duration.ofSeconds(15), "and the feed revokes its access tokens");
        }
    }
}
