package io.keycloakguard.it.devices;

import io.keycloakguard.it.harness.AccountApi;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users list and forget their own devices; admins see devices and history with the right permissions only. */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceEndpointsIT {

    DeviceRealm realm;
    GuardEnvironment env;

    @BeforeAll
    void realm(GuardEnvironment env) {
        this.env = env;
        realm = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of());
    }

    String accountUrl() {
        return env.baseUrl() + "/realms/" + realm.name + "/guard-devices/devices";
    }

    @Test
    void usersListAndForgetOnlyTheirOwnDevices() {
        String alice = realm.createUser("alice");
        String bob = realm.createUser("bob");
        String[] aliceOtp = new String[1];
        String[] bobOtp = new String[1];
        BrowserSession aliceBrowser = realm.browser("203.0.113.10");
        String aliceToken = (String) realm.tokens(aliceBrowser, realm.username(alice), aliceOtp).get("access_token");
        String bobToken = (String) realm.tokens(realm.browser("198.51.100.7"), realm.username(bob), bobOtp).get("access_token");

        List<Map<String, Object>> own = given().auth().oauth2(aliceToken)
                .cookie("KC_GUARD_DEVICE", aliceBrowser.cookieWithPath("KC_GUARD_DEVICE").getValue())
                .get(accountUrl()).then().statusCode(200).extract().jsonPath().getList("");
        assertEquals(1, own.size(), own.toString());
        assertEquals(true, own.get(0).get("current"), "the browser that asks is marked current");
        assertEquals("203.0.113.10", own.get(0).get("lastIp"));
        String aliceDevice = (String) own.get(0).get("id");

        // Bob can neither see nor forget Alice's device: 404, exactly like an unknown id.
        List<Map<String, Object>> bobs = given().auth().oauth2(bobToken).get(accountUrl()).then().statusCode(200)
                .extract().jsonPath().getList("");
        assertTrue(bobs.stream().noneMatch(d -> aliceDevice.equals(d.get("id"))), bobs.toString());
        given().auth().oauth2(bobToken).delete(accountUrl() + "/" + aliceDevice).then().statusCode(404);
        given().auth().oauth2(bobToken).delete(accountUrl() + "/no-such-device").then().statusCode(404);
        assertEquals(1, realm.devices(alice).size());

        given().get(accountUrl()).then().statusCode(401);
        given().header("Authorization", "Bearer not.a.token").get(accountUrl()).then().statusCode(401);

        // Forgetting the device makes the next sign-in from it new again: OTP.
        given().auth().oauth2(aliceToken).delete(accountUrl() + "/" + aliceDevice).then().statusCode(204);
        assertEquals(0, realm.devices(alice).size());
        assertTrue(realm.signIn(realm.sameDevice(aliceBrowser, "203.0.113.10"), realm.username(alice), aliceOtp).otpAsked(),
                "a forgotten device is new again");
    }

    @Test
    void adminEndpointsNeedViewUsersToReadAndManageUsersToForget() {
        String user = realm.createUser("watched");
        realm.tokens(realm.browser("203.0.113.10"), realm.username(user), new String[1]);
        String deviceId = (String) realm.devices(user).get(0).get("id");

        String nobody = realm.createUser("no-roles");
        String viewer = realm.createUser("viewer");
        env.admin().grantClientRole(realm.name, viewer, "realm-management", "view-users");
        String manager = realm.createUser("manager");
        env.admin().grantClientRole(realm.name, manager, "realm-management", "manage-users");
        String base = env.baseUrl() + "/admin/realms/" + realm.name + "/guard-devices/users/" + user;

        String nobodyToken = token(nobody);
        given().auth().oauth2(nobodyToken).get(base + "/devices").then().statusCode(403);
        given().auth().oauth2(nobodyToken).get(base + "/logins").then().statusCode(403);
        given().auth().oauth2(nobodyToken).delete(base + "/devices/" + deviceId).then().statusCode(403);
        given().auth().oauth2(nobodyToken).get(env.baseUrl() + "/admin/realms/" + realm.name
                + "/guard-devices/users/no-such-user/devices").then().statusCode(403);
        given().get(base + "/devices").then().statusCode(401);

        String viewerToken = token(viewer);
        List<Map<String, Object>> devices = given().auth().oauth2(viewerToken).get(base + "/devices").then().statusCode(200)
                .extract().jsonPath().getList("");
        assertEquals(deviceId, devices.get(0).get("id"));
        List<Map<String, Object>> logins = given().auth().oauth2(viewerToken).get(base + "/logins").then().statusCode(200)
                .extract().jsonPath().getList("");
        assertEquals(1, logins.size());
        assertEquals("203.0.113.10", logins.get(0).get("ip"));
        assertEquals(DeviceRealm.CLIENT, logins.get(0).get("clientId"));
        given().auth().oauth2(viewerToken).delete(base + "/devices/" + deviceId).then().statusCode(403);
        given().auth().oauth2(viewerToken).get(env.baseUrl() + "/admin/realms/" + realm.name
                + "/guard-devices/users/no-such-user/devices").then().statusCode(404);

        String managerToken = token(manager);
        given().auth().oauth2(managerToken).delete(base + "/devices/" + deviceId).then().statusCode(204);
        given().auth().oauth2(managerToken).delete(base + "/devices/" + deviceId).then().statusCode(404);
        assertEquals(0, realm.devices(user).size());
    }

    /**
     * A token of a client given no account access (full scope off, no account roles) neither lists nor forgets the
     * user's devices, and gets the answer Keycloak's own account API gives the same token (its devices list and
     * ending a session); an account-audience token without account roles: 403 from both. A full token still works.
     */
    @Test
    void aTokenWithoutAccountAccessIsRefusedLikeKeycloaksOwnAccountApi() {
        String user = realm.createUser("lowtrust");
        String username = realm.username(user);
        String[] otp = new String[1];
        String full = (String) realm.tokens(realm.browser("203.0.113.10"), username, otp).get("access_token");
        String deviceId = (String) realm.devices(user).get(0).get("id");
        String lowTrust = directGrant(AccountApi.lowTrustClient(env.admin(), realm.name, false), username, otp[0]);
        String audienceOnly = directGrant(AccountApi.lowTrustClient(env.admin(), realm.name, true), username, otp[0]);

        for (String token : List.of(lowTrust, audienceOnly)) {
            String which = token == lowTrust ? "a low-trust token" : "an account-audience token without account roles";
            int keycloakList = AccountApi.call(env.baseUrl(), realm.name, "GET", "/sessions/devices", token).statusCode();
            int keycloakEnd = AccountApi.call(env.baseUrl(), realm.name, "DELETE", "/sessions/" + UUID.randomUUID(), token)
                    .statusCode();
            assertTrue(keycloakList == 401 || keycloakList == 403, "Keycloak's account API refuses " + which);
            assertEquals(keycloakList, given().auth().oauth2(token).get(accountUrl()).statusCode(),
                    "guard-devices lists devices for " + which + " as Keycloak's account API does");
            assertEquals(keycloakEnd, given().auth().oauth2(token).delete(accountUrl() + "/" + deviceId).statusCode(),
                    "guard-devices forgets a device for " + which + " as Keycloak's account API ends a session");
        }
        assertEquals(403, AccountApi.call(env.baseUrl(), realm.name, "GET", "/sessions/devices", audienceOnly).statusCode(),
                "Keycloak: the account audience alone is not enough");
        assertEquals(1, realm.devices(user).size(), "the device is still known");

        List<Map<String, Object>> own = given().auth().oauth2(full).get(accountUrl()).then().statusCode(200)
                .extract().jsonPath().getList("");
        assertEquals(deviceId, own.get(0).get("id"));
        given().auth().oauth2(full).delete(accountUrl() + "/" + deviceId).then().statusCode(204);
    }

    /** A password grant of a user with OTP set up (Keycloak's direct grant flow asks for the code). */
    private String directGrant(String clientId, String username, String otpSecret) {
        return given().formParam("grant_type", "password").formParam("client_id", clientId)
                .formParam("username", username).formParam("password", DeviceRealm.PASSWORD)
                .formParam("totp", DeviceRealm.code(otpSecret))
                .post(Tokens.tokenEndpoint(env.baseUrl(), realm.name)).then().statusCode(200).extract().path("access_token");
    }

    private String token(String userId) {
        return (String) Tokens.passwordGrant(env.baseUrl(), realm.name, "admin-cli", realm.username(userId),
                DeviceRealm.PASSWORD).get("access_token");
    }
}
