package io.keycloakguard.it.devices;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Devices and networks become known by signing in; the condition steps up to OTP only for what is new. */
@ExtendWith(KeycloakGuardExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KnownDevicesIT {

    static final String HOME = "203.0.113.10";
    static final String HOME_OTHER_HOST = "203.0.113.77";
    static final String TRAVEL = "198.51.100.20";
    static final String TRAVEL_OTHER_HOST = "198.51.100.21";

    DeviceRealm realm;

    @BeforeAll
    void realm(GuardEnvironment env) {
        realm = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of());
    }

    @Tag("compat")
    @Test
    void devicesAndNetworksBecomeKnownAndOnlyNewOnesStepUpToOtp() {
        String userId = realm.createUser("devices");
        String username = realm.username(userId);
        String[] otp = new String[1];

        // 1. First sign-in ever: everything is new, so OTP (set up on the way) is asked; the device is recorded.
        BrowserSession laptop = realm.browser(HOME);
        assertTrue(realm.signIn(laptop, username, otp).otpAsked(), "first sign-in steps up");
        Map.Entry<String, String> cookie = laptop.cookieWithPath("KC_GUARD_DEVICE");
        assertNotNull(cookie, "the device cookie is set: " + laptop.cookies());
        assertEquals("/realms/" + realm.name + "/", cookie.getKey());
        List<Map<String, Object>> devices = realm.devices(userId);
        assertEquals(1, devices.size(), devices.toString());
        assertEquals(HOME, devices.get(0).get("lastIp"));
        assertEquals("203.0.113.0/24", devices.get(0).get("lastNetwork"));
        assertTrue(String.valueOf(devices.get(0).get("browser")).startsWith("Chrome"), devices.toString());
        assertTrue(String.valueOf(devices.get(0).get("os")).startsWith("Linux"), devices.toString());
        List<Map<String, Object>> logins = realm.logins(userId);
        assertEquals(1, logins.size());
        assertEquals(true, logins.get(0).get("newDevice"));
        assertEquals(true, logins.get(0).get("newNetwork"));

        // 2. Same device, same network (another host of the /24): not new, no OTP.
        assertFalse(realm.signIn(realm.sameDevice(laptop, HOME_OTHER_HOST), username, otp).otpAsked(),
                "a known device on a known network signs in without OTP");
        logins = realm.logins(userId);
        assertEquals(2, logins.size());
        assertEquals(false, logins.get(0).get("newDevice"));
        assertEquals(false, logins.get(0).get("newNetwork"));
        assertEquals(1, realm.devices(userId).size(), "still one device");

        // 3. Same device from a new network: OTP; afterwards that network is known.
        assertTrue(realm.signIn(realm.sameDevice(laptop, TRAVEL), username, otp).otpAsked(), "a new network steps up");
        assertEquals(true, realm.logins(userId).get(0).get("newNetwork"));
        assertFalse(realm.signIn(realm.sameDevice(laptop, TRAVEL_OTHER_HOST), username, otp).otpAsked(),
                "after a successful step-up the network is known");

        // 4. A new device on a known network: OTP; afterwards the device is known.
        BrowserSession phone = realm.browser(TRAVEL).userAgent(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1");
        assertTrue(realm.signIn(phone, username, otp).otpAsked(), "a new device steps up");
        assertEquals(2, realm.devices(userId).size());
        assertTrue(realm.devices(userId).stream().anyMatch(d -> String.valueOf(d.get("os")).startsWith("iOS")),
                realm.devices(userId).toString());
        assertFalse(realm.signIn(realm.sameDevice(phone, TRAVEL), username, otp).otpAsked(),
                "after a successful step-up the device is known");
        assertEquals(2, realm.devices(userId).size());
    }

    /** Issue 25 item 4: in the keycloak-guard theme, the OTP page of a step-up says what is new. */
    @Test
    void theStepUpPageSaysWhetherTheDeviceOrTheNetworkIsNew(GuardEnvironment env) {
        DeviceRealm themed = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of());
        env.admin().request().body(Map.of("loginTheme", "keycloak-guard"))
                .put("/admin/realms/{realm}", themed.name).then().statusCode(204);
        String username = themed.username(themed.createUser("step-up-reason"));
        String[] otp = new String[1];
        BrowserSession laptop = themed.browser(HOME);
        themed.signIn(laptop, username, otp); // sets up OTP; the laptop and the home network become known

        DeviceRealm.SignIn phone = themed.signIn(themed.browser(HOME_OTHER_HOST), username, otp);
        assertTrue(phone.otpAsked(), "a new device steps up");
        assertTrue(phone.afterPassword().body().contains("id=\"guard-step-up-reason\"")
                && phone.afterPassword().body().contains("We do not recognise this device."), phone.afterPassword().body());

        DeviceRealm.SignIn travelling = themed.signIn(themed.sameDevice(laptop, TRAVEL), username, otp);
        assertTrue(travelling.otpAsked(), "a new network steps up");
        assertTrue(travelling.afterPassword().body().contains("You are signing in from a network we have not seen"),
                travelling.afterPassword().body());

        DeviceRealm.SignIn known = themed.signIn(themed.sameDevice(laptop, HOME), username, otp);
        assertFalse(known.otpAsked(), "a known device on a known network: no step-up, no page");
    }

    @Test
    void aFailedStepUpLeavesTheNetworkUnknown() {
        String userId = realm.createUser("failed-step-up");
        String username = realm.username(userId);
        String[] otp = new String[1];
        BrowserSession laptop = realm.browser(HOME);
        realm.signIn(laptop, username, otp);

        BrowserSession elsewhere = realm.sameDevice(laptop, TRAVEL);
        BrowserSession.LoginPage page = elsewhere.openLoginPage(realm.name, DeviceRealm.CLIENT, DeviceRealm.REDIRECT);
        BrowserSession.Outcome prompt = elsewhere.submitCredentials(page, username, DeviceRealm.PASSWORD);
        assertTrue(prompt.body().contains("name=\"otp\""), "OTP asked: " + prompt.body());
        BrowserSession.Outcome wrong = elsewhere.submitForm(BrowserSession.formAction(prompt.body()), Map.of("otp", "000000"));
        assertTrue(wrong.code() == null, "a wrong code does not sign in");
        assertEquals(1, realm.logins(userId).size(), "nothing recorded for the failed step-up");
        assertTrue(realm.signIn(realm.sameDevice(laptop, TRAVEL), username, otp).otpAsked(), "still new");
    }

    @Test
    void theConfigDecidesWhatCountsAsNew() {
        String userId = realm.createUser("config");
        String username = realm.username(userId);
        String[] otp = new String[1];
        BrowserSession laptop = realm.browser(HOME);
        realm.signIn(laptop, username, otp);
        try {
            // "network": a new device on a known network is not new.
            realm.updateConditionConfig(Map.of("newIf", "network"));
            assertFalse(realm.signIn(realm.browser(HOME), username, otp).otpAsked(), "network mode ignores the device");
            assertTrue(realm.signIn(realm.browser(TRAVEL), username, otp).otpAsked(), "network mode sees the network");
            // A /16 makes 203.0.113.x and 203.0.200.x one network.
            realm.updateConditionConfig(Map.of("newIf", "network", "ipv4PrefixBits", "16"));
            assertFalse(realm.signIn(realm.browser("203.0.200.5"), username, otp).otpAsked(), "same /16");
            // Compare with the last sign-in only (203.0.200.5): the travel network, one sign-in earlier, is new again.
            realm.updateConditionConfig(Map.of("newIf", "network", "compareLastLogins", "1"));
            assertTrue(realm.signIn(realm.browser(TRAVEL), username, otp).otpAsked(), "only the last sign-in counts");
            // "device": a known device on a new network is not new.
            realm.updateConditionConfig(Map.of("newIf", "device"));
            assertFalse(realm.signIn(realm.sameDevice(laptop, "192.0.2.1"), username, otp).otpAsked(),
                    "device mode ignores the network");
        } finally {
            realm.updateConditionConfig(Map.of("newIf", "device-or-network"));
        }
    }

    @Test
    void anInvalidConfigStepsUpEverySignInAndIsListedInTheStatus(GuardEnvironment env) {
        String userId = realm.createUser("invalid-config");
        String username = realm.username(userId);
        String[] otp = new String[1];
        BrowserSession laptop = realm.browser(HOME);
        realm.signIn(laptop, username, otp);
        try {
            realm.updateConditionConfig(Map.of("newIf", "sometimes", "ipv4PrefixBits", "40"));
            assertTrue(realm.signIn(realm.sameDevice(laptop, HOME), username, otp).otpAsked(),
                    "fail safe: a known device steps up while the config is invalid");
            String status = env.admin().request().get("/admin/realms/{realm}/guard/status", realm.name)
                    .then().statusCode(200).extract().asString();
            assertTrue(status.contains("guard-condition-new-device") && status.contains("'sometimes'")
                    && status.contains("New if"), status);
        } finally {
            realm.updateConditionConfig(Map.of("newIf", "device-or-network"));
        }
        assertFalse(realm.signIn(realm.sameDevice(laptop, HOME), username, otp).otpAsked(), "fixed again");
    }

    @Test
    void directGrantSignInsGoToTheHistoryWithoutADevice(GuardEnvironment env) {
        String flow = "devices-direct-" + realm.name.substring(realm.name.length() - 6);
        realm.flows.copy("direct grant", flow);
        realm.flows.addRequired(flow, "guard-device-recorder");
        realm.flows.createClient("devices-cli-" + flow, DeviceRealm.REDIRECT, null, flow, Map.of());
        String userId = realm.createUser("direct");
        Tokens.passwordGrant(env.baseUrl(), realm.name, "devices-cli-" + flow, realm.username(userId), DeviceRealm.PASSWORD);
        assertEquals(1, realm.logins(userId).size());
        assertEquals(0, realm.devices(userId).size(), "an API client keeps no device cookie");
    }
}
