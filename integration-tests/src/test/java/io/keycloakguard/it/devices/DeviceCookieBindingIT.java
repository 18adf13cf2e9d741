package io.keycloakguard.it.devices;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device cookie belongs to the user it was issued to (issue 19, item 8): an attacker who plants their own
 * genuine cookie in a victim's browser (e.g. from a sibling subdomain) does not get their browser remembered as
 * the victim's device.
 */
@ExtendWith(KeycloakGuardExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceCookieBindingIT {

    static final String HOME = "203.0.113.10";

    DeviceRealm realm;

    @BeforeAll
    void realm(GuardEnvironment env) {
        realm = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of());
    }

    @Test
    void aCookieMintedForAnotherUserDoesNotMakeTheLoginKnown() {
        String attacker = realm.username(realm.createUser("attacker"));
        String victimId = realm.createUser("victim");
        String victim = realm.username(victimId);
        String[] attackerOtp = new String[1];
        String[] victimOtp = new String[1];

        // The attacker's own browser, with a genuine device cookie of the attacker's.
        BrowserSession attackersBrowser = realm.browser(HOME);
        realm.signIn(attackersBrowser, attacker, attackerOtp);
        Map.Entry<String, String> planted = attackersBrowser.cookieWithPath("KC_GUARD_DEVICE");
        // The victim's usual browser.
        realm.signIn(realm.browser(HOME), victim, victimOtp);

        // The attacker plants that cookie in the victim's browser; the victim signs in there.
        BrowserSession victimsBrowser = realm.browser(HOME).cookie(planted.getKey(), "KC_GUARD_DEVICE", planted.getValue());
        assertTrue(realm.signIn(victimsBrowser, victim, victimOtp).otpAsked(), "another user's cookie is no known device");
        assertNotEquals(planted.getValue().substring(0, 36),
                victimsBrowser.cookieWithPath("KC_GUARD_DEVICE").getValue().substring(0, 36),
                "the victim's browser got the attacker's device id");

        // Later the attacker, who knows the victim's password, signs in as the victim from the attacker's browser.
        assertTrue(realm.signIn(realm.sameDevice(attackersBrowser, HOME), victim, victimOtp).otpAsked(),
                "a cookie minted for another user, planted in the victim's browser, made that browser a known device "
                        + "of the victim: the step-up was skipped");
    }

    @Test
    void twoUsersOfOneBrowserEachKeepTheirDeviceKnown() {
        String alice = realm.username(realm.createUser("alice"));
        String bobId = realm.createUser("bob");
        String bob = realm.username(bobId);
        String[] aliceOtp = new String[1];
        String[] bobOtp = new String[1];
        BrowserSession shared = realm.browser(HOME);
        realm.signIn(shared, alice, aliceOtp);
        BrowserSession second = realm.sameDevice(shared, HOME);
        realm.signIn(second, bob, bobOtp);

        BrowserSession third = realm.sameDevice(second, HOME);
        assertFalse(realm.signIn(third, alice, aliceOtp).otpAsked(), "Alice's device stays known after Bob signed in");
        assertFalse(realm.signIn(realm.sameDevice(third, HOME), bob, bobOtp).otpAsked(), "and Bob's after Alice again");
        assertEquals(1, realm.devices(bobId).size());
    }
}
