package io.keycloakguard.it.devices;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser becomes a known device only when its sign-in completes (issue 24, item 9): a sign-in left at a
 * required action, refused by the session limit after the recorder, or cancelled at the session chooser
 * records nothing, sets no device cookie, and the next sign-in from that browser steps up again.
 */
@ExtendWith(KeycloakGuardExtension.class)
class UnfinishedSignInIT {

    static final String HOME = "203.0.113.10";
    static final String TRAVEL = "198.51.100.20";
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Test
    void anAbandonedOtpSetupLeavesTheBrowserUnknown(GuardEnvironment env) {
        DeviceRealm realm = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of());
        String userId = realm.createUser("abandoned-setup");
        String username = realm.username(userId);
        BrowserSession browser = realm.browser(HOME);

        BrowserSession.LoginPage page = browser.openLoginPage(realm.name, DeviceRealm.CLIENT, DeviceRealm.REDIRECT);
        BrowserSession.Outcome setup = browser.submitCredentials(page, username, DeviceRealm.PASSWORD);
        assertTrue(setup.body().contains("name=\"totpSecret\""), "OTP setup asked: " + setup.body());
        // The user leaves the setup page.
        assertNull(browser.cookieWithPath("KC_GUARD_DEVICE"), "a device cookie before the sign-in completed: " + browser.cookies());
        assertEquals(List.of(), realm.devices(userId), "a device recorded before the sign-in completed");
        assertEquals(List.of(), realm.logins(userId), "a sign-in recorded before it completed");

        // Back in the same browser: the step-up (here: the setup) is asked again, not skipped.
        BrowserSession.LoginPage again = browser.openLoginPage(realm.name, DeviceRealm.CLIENT, DeviceRealm.REDIRECT);
        BrowserSession.Outcome second = browser.submitCredentials(again, username, DeviceRealm.PASSWORD);
        assertNull(second.code(), "signed in with the password alone, OTP never set up");
        assertTrue(second.body().contains("name=\"totpSecret\""), "OTP setup asked again: " + second.body());

        // Completing it records the browser.
        assertTrue(realm.signIn(browser, username, new String[1]).otpAsked());
        assertNotNull(browser.cookieWithPath("KC_GUARD_DEVICE"));
        assertEquals(1, realm.devices(userId).size());
        assertEquals(1, realm.logins(userId).size());
    }

    @Test
    void aSignInTheSessionLimitRefusesLeavesTheBrowserUnknown(GuardEnvironment env) {
        DeviceRealm realm = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of(),
                Map.of("realmLimit", "1", "onExceed", "deny"));
        String userId = realm.createUser("limit-deny");
        String username = realm.username(userId);
        String[] otp = new String[1];
        realm.signIn(realm.browser(HOME), username, otp); // one session: the limit is reached

        BrowserSession elsewhere = realm.browser(TRAVEL);
        BrowserSession.Outcome refused = passwordAndOtp(realm, elsewhere, username, otp);
        assertNull(refused.code(), "the session limit lets the sign-in in: " + refused.body());
        assertNull(elsewhere.cookieWithPath("KC_GUARD_DEVICE"), "a device cookie for a refused sign-in: " + elsewhere.cookies());
        assertEquals(1, realm.devices(userId).size(), "a device recorded for a refused sign-in");
        assertEquals(1, realm.logins(userId).size(), "a refused sign-in in the login history: " + realm.logins(userId));

        BrowserSession.LoginPage again = elsewhere.openLoginPage(realm.name, DeviceRealm.CLIENT, DeviceRealm.REDIRECT);
        BrowserSession.Outcome second = elsewhere.submitCredentials(again, username, DeviceRealm.PASSWORD);
        assertTrue(second.body().contains("name=\"otp\""), "the step-up is asked again: " + second.body());
    }

    @Test
    void aSignInCancelledAtTheSessionChooserLeavesTheBrowserUnknown(GuardEnvironment env) {
        DeviceRealm realm = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of(),
                Map.of("realmLimit", "1", "onExceed", "let-user-choose"));
        String userId = realm.createUser("chooser-cancel");
        String username = realm.username(userId);
        String[] otp = new String[1];
        realm.signIn(realm.browser(HOME), username, otp);

        BrowserSession elsewhere = realm.browser(TRAVEL);
        BrowserSession.Outcome chooser = passwordAndOtp(realm, elsewhere, username, otp);
        Matcher csrf = CSRF.matcher(chooser.body() == null ? "" : chooser.body());
        assertTrue(csrf.find(), "the session chooser: " + chooser.status() + " " + chooser.body());
        BrowserSession.Outcome cancelled = elsewhere.submitForm(BrowserSession.formAction(chooser.body()),
                Map.of("csrf", csrf.group(1), "cancel", "true"));
        assertNotNull(cancelled.location(), cancelled.body());
        assertTrue(cancelled.location().contains("error=access_denied"), cancelled.location());
        assertNull(elsewhere.cookieWithPath("KC_GUARD_DEVICE"), "a device cookie for a cancelled sign-in: " + elsewhere.cookies());
        assertEquals(1, realm.devices(userId).size(), "a device recorded for a cancelled sign-in");
        assertEquals(1, realm.logins(userId).size(), "a cancelled sign-in in the login history: " + realm.logins(userId));

        BrowserSession.LoginPage again = elsewhere.openLoginPage(realm.name, DeviceRealm.CLIENT, DeviceRealm.REDIRECT);
        BrowserSession.Outcome second = elsewhere.submitCredentials(again, username, DeviceRealm.PASSWORD);
        assertTrue(second.body().contains("name=\"otp\""), "the step-up is asked again: " + second.body());

        // Choosing the other session instead completes the sign-in, which records the browser.
        BrowserSession.Outcome chooserAgain = elsewhere.submitForm(BrowserSession.formAction(second.body()),
                Map.of("otp", DeviceRealm.code(otp[0])));
        Matcher csrfAgain = CSRF.matcher(chooserAgain.body());
        assertTrue(csrfAgain.find(), chooserAgain.body());
        Matcher session = Pattern.compile("name=\"sessionId\" value=\"([^\"]+)\"").matcher(chooserAgain.body());
        assertTrue(session.find(), chooserAgain.body());
        BrowserSession.Outcome done = elsewhere.submitForm(BrowserSession.formAction(chooserAgain.body()),
                Map.of("csrf", csrfAgain.group(1), "sessionId", session.group(1)));
        assertNotNull(done.code(), done.status() + " " + done.body());
        assertNotNull(elsewhere.cookieWithPath("KC_GUARD_DEVICE"));
        assertEquals(2, realm.devices(userId).size());
        assertEquals(2, realm.logins(userId).size());
    }

    /** The password, then the OTP code the step-up asks for; the page after the code. */
    static BrowserSession.Outcome passwordAndOtp(DeviceRealm realm, BrowserSession browser, String username, String[] otp) {
        BrowserSession.LoginPage page = browser.openLoginPage(realm.name, DeviceRealm.CLIENT, DeviceRealm.REDIRECT);
        BrowserSession.Outcome prompt = browser.submitCredentials(page, username, DeviceRealm.PASSWORD);
        assertTrue(prompt.body().contains("name=\"otp\""), "OTP asked from a new network: " + prompt.body());
        return browser.submitForm(BrowserSession.formAction(prompt.body()), Map.of("otp", DeviceRealm.code(otp[0])));
    }
}
