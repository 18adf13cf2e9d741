package io.keycloakguard.it.devices;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25 item 3: the session chooser marks "This device" on the session signed in from the device whose cookie the
 * browser carries ("Guard: remember device" links a session to its device), and no other session.
 */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class ChooserThisDeviceIT {

    static final String HOME = "203.0.113.30";
    static final String TRAVEL = "198.51.100.40";

    @Test
    void theSessionOfTheBrowsersKnownDeviceIsMarkedThisDevice(GuardEnvironment env) {
        DeviceRealm realm = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of(),
                Map.of("realmLimit", "2", "onExceed", "Let the user choose a session to end"));
        String username = realm.username(realm.createUser("this-device"));
        String[] otp = new String[1];
        BrowserSession laptop = realm.browser(HOME);
        realm.signIn(laptop, username, otp);
        realm.signIn(realm.browser(TRAVEL), username, otp);

        // The laptop again, its Keycloak cookies gone (a new browser session) but its device cookie kept: a known
        // device on a known network, no step-up, and the limit of two is reached.
        BrowserSession again = realm.sameDevice(laptop, HOME);
        BrowserSession.LoginPage page = again.openLoginPage(realm.name, DeviceRealm.CLIENT, DeviceRealm.REDIRECT);
        BrowserSession.Outcome chooser = again.submitCredentials(page, username, DeviceRealm.PASSWORD);
        String html = chooser.body() == null ? "" : chooser.body();
        assertTrue(html.contains("template: guard-session-chooser.ftl"), "the chooser: " + chooser.status() + " " + html);

        List<String> rows = Arrays.stream(html.split("<li ")).filter(r -> r.contains("guard-session\"")).toList();
        assertEquals(2, rows.size(), html);
        List<String> marked = rows.stream().filter(r -> r.contains("guard-this-device")).toList();
        assertEquals(1, marked.size(), "one session is this device: " + rows);
        assertTrue(marked.get(0).contains(HOME) && marked.get(0).contains("This device"), marked.get(0));
        assertFalse(rows.stream().filter(r -> r.contains(TRAVEL)).anyMatch(r -> r.contains("guard-this-device")),
                "the other device's session is not marked: " + rows);
    }
}
