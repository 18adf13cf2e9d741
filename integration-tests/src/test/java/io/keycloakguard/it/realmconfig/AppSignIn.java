package io.keycloakguard.it.realmconfig;

import com.warrenstrange.googleauth.GoogleAuthenticator;
import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.RealmEnvironment;
import io.keycloakguard.it.harness.UpstreamIdentityProvider;
import org.apache.commons.codec.binary.Base32;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browser sign-ins to a shipped realm's {@code app-spa}, answering the OTP set-up and prompt like an authenticator
 * app, and the recovery-code set-up and prompt like a user who wrote the codes down.
 */
final class AppSignIn {

    static final String CLIENT = "app-spa";
    static final String REDIRECT = RealmEnvironment.APP_URL + "/callback";
    private static final Pattern TOTP_SECRET = Pattern.compile("name=\"totpSecret\" value=\"([^\"]+)\"");
    private static final Pattern CODE_LIST = Pattern.compile("id=\"kc-recovery-codes-list\"[^>]*>(.*?)</ol>", Pattern.DOTALL);
    private static final Pattern LIST_ITEM = Pattern.compile("<li[^>]*>(.*?)</li>", Pattern.DOTALL);
    private static final Pattern CODE_NUMBER = Pattern.compile("code #(\\d+)");
    /** The pages a sign-in may pass before it reaches the app: OTP, recovery codes, the selector, a retry. */
    private static final int MAX_PAGES = 6;

    private final String baseUrl;
    private final String realm;
    private final String username;
    private final String password;
    /** The OTP secret as the set-up page showed it; null until set up. */
    private String secret;
    private final Set<String> usedCodes = new HashSet<>();
    /** The recovery codes as the set-up page listed them (index 0 is code #1); empty until set up. */
    private final List<String> recoveryCodes = new ArrayList<>();

    AppSignIn(String baseUrl, String realm, String username, String password) {
        this.baseUrl = baseUrl;
        this.realm = realm;
        this.username = username;
        this.password = password;
    }

    /**
     * What one sign-in asked for and where it ended: at the app (a code) or on a page (e.g. the session chooser).
     *
     * @param recoveryCodeNumber the number of the recovery code Keycloak asked for (0: none asked)
     */
    record Result(BrowserSession.LoginPage page, boolean otpSetUp, boolean recoveryCodesSetUp, boolean otpAsked,
                  int recoveryCodeNumber, BrowserSession.Outcome end) {

        boolean atApp() {
            return end.code() != null;
        }
    }

    BrowserSession browser(String clientAddress) {
        return new BrowserSession(baseUrl).forwardedFor(clientAddress);
    }

    /** A fresh browser (no session cookie) that carries over only the device cookie of an earlier one. */
    BrowserSession sameDevice(BrowserSession earlier, String clientAddress) {
        Map.Entry<String, String> device = earlier.cookieWithPath("KC_GUARD_DEVICE");
        assertNotNull(device, "the earlier browser has a device cookie: " + earlier.cookies());
        return browser(clientAddress).cookie(device.getKey(), "KC_GUARD_DEVICE", device.getValue());
    }

    List<String> recoveryCodes() {
        return List.copyOf(recoveryCodes);
    }

    /** Signs in, giving an OTP code whenever one is asked for. */
    Result signIn(BrowserSession browser) {
        return signIn(browser, null);
    }

    /**
     * Signs in, and where OTP is asked for, takes "Try another way" and gives the recovery code Keycloak asks for
     * (by its number on the set-up page), or {@code recoveryCode} when that is not null.
     */
    Result signInWithRecoveryCode(BrowserSession browser, String recoveryCode) {
        return signIn(browser, recoveryCode == null ? "" : recoveryCode);
    }

    /**
     * Signs in through {@code idp} (the app sends {@code kc_idp_hint}): the upstream realm's login, then the
     * realm's first-broker-login and post-broker-login flows, answering OTP pages like {@link #signIn}. This
     * object's username and password are not used; its OTP secret and recovery codes are the brokered user's.
     */
    Result brokeredSignIn(BrowserSession browser, UpstreamIdentityProvider idp) {
        BrowserSession.LoginPage page = browser.openLoginPage(realm, CLIENT, REDIRECT, Map.of("kc_idp_hint", idp.alias()));
        assertTrue(page.html().contains(idp.upstreamRealm()), "the upstream realm's login page: " + page.html());
        return answer(browser, page, browser.submitCredentials(page, idp.username(), idp.password()), null);
    }

    private Result signIn(BrowserSession browser, String recoveryCode) {
        BrowserSession.LoginPage page = browser.openLoginPage(realm, CLIENT, REDIRECT);
        return answer(browser, page, browser.submitCredentials(page, username, password), recoveryCode);
    }

    /** Answers the pages after the first factor until the app is reached or an unexpected page shows. */
    private Result answer(BrowserSession browser, BrowserSession.LoginPage page, BrowserSession.Outcome outcome,
                          String recoveryCode) {
        boolean otpSetUp = false;
        boolean codesSetUp = false;
        boolean asked = false;
        int codeNumber = 0;
        for (int pages = 0; pages < MAX_PAGES && outcome.code() == null && outcome.body() != null; pages++) {
            String body = outcome.body();
            Matcher setup = TOTP_SECRET.matcher(body);
            if (!otpSetUp && setup.find()) {
                secret = setup.group(1);
                otpSetUp = true;
                outcome = browser.submitForm(BrowserSession.formAction(body),
                        Map.of("totp", nextCode(), "totpSecret", secret, "userLabel", "phone"));
            } else if (!codesSetUp && body.contains("name=\"generatedRecoveryAuthnCodes\"")) {
                codesSetUp = true;
                readRecoveryCodes(body);
                outcome = browser.submitForm(BrowserSession.formAction(body), Map.of(
                        "generatedRecoveryAuthnCodes", hidden(body, "generatedRecoveryAuthnCodes"),
                        "generatedAt", hidden(body, "generatedAt"),
                        "userLabel", hidden(body, "userLabel")));
            } else if (!asked && body.contains("name=\"otp\"")) {
                asked = true;
                assertNotNull(secret, "OTP asked before it was set up: " + body);
                outcome = recoveryCode == null
                        ? browser.submitForm(BrowserSession.formAction(body), Map.of("otp", nextCode()))
                        : browser.submitForm(BrowserSession.formAction(body), Map.of("tryAnotherWay", "on"));
            } else if (recoveryCode != null && body.contains("name=\"authenticationExecution\"")) {
                outcome = browser.submitForm(BrowserSession.formAction(body),
                        Map.of("authenticationExecution", recoveryExecution(body)));
            } else if (recoveryCode != null && codeNumber == 0 && body.contains("name=\"recoveryCodeInput\"")) {
                Matcher number = CODE_NUMBER.matcher(body);
                assertTrue(number.find(), "the prompt names the code's number: " + body);
                codeNumber = Integer.parseInt(number.group(1));
                String code = recoveryCode.isEmpty() ? recoveryCodes.get(codeNumber - 1) : recoveryCode;
                outcome = browser.submitForm(BrowserSession.formAction(body), Map.of("recoveryCodeInput", code));
            } else {
                break;
            }
        }
        return new Result(page, otpSetUp, codesSetUp, asked, codeNumber, outcome);
    }

    /** The codes as the user reads them on the page, checked against what the page posts back. */
    private void readRecoveryCodes(String body) {
        Matcher list = CODE_LIST.matcher(body);
        assertTrue(list.find(), "the recovery codes are listed: " + body);
        List<String> shown = new ArrayList<>();
        Matcher item = LIST_ITEM.matcher(list.group(1));
        while (item.find()) {
            shown.add(item.group(1).replaceAll("<[^>]+>", "").strip());
        }
        assertFalse(shown.isEmpty(), "recovery codes on the page: " + list.group(1));
        String posted = hidden(body, "generatedRecoveryAuthnCodes");
        for (String code : shown) {
            assertTrue(code.matches("[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"), "a code as XXXX-XXXX-XXXX: " + code);
            assertTrue(posted.contains(code.replace("-", "")), "the listed code is the one saved: " + code);
        }
        recoveryCodes.clear();
        recoveryCodes.addAll(shown);
    }

    /** The "Recovery Authentication Code" entry of Keycloak's "choose a way to sign in" list. */
    private static String recoveryExecution(String body) {
        String[] entries = body.split("name=\"authenticationExecution\" value=\"");
        for (int i = 1; i < entries.length; i++) {
            if (entries[i].toLowerCase(Locale.ROOT).contains("recovery")) {
                return entries[i].substring(0, entries[i].indexOf('"'));
            }
        }
        throw new AssertionError("no recovery-code entry among the sign-in choices: " + body);
    }

    private static String hidden(String body, String name) {
        Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(body);
        assertTrue(m.find(), name + " on the page: " + body);
        return m.group(1);
    }

    /**
     * A code Keycloak accepts and this user has not used yet: the realm accepts the codes of the current and both
     * neighbouring 30-second windows (look-ahead 1) but each only once, so after three sign-ins in one window the
     * next waits for a new window.
     */
    private String nextCode() {
        String base32 = new Base32().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        GoogleAuthenticator authenticator = new GoogleAuthenticator();
        while (true) {
            long now = System.currentTimeMillis();
            for (long offset : new long[] {0, 30_000, -30_000}) {
                String code = String.format("%06d", authenticator.getTotpPassword(base32, now + offset));
                if (usedCodes.add(code)) {
                    return code;
                }
            }
            long window = now / 30_000;
            Await.until(() -> System.currentTimeMillis() / 30_000 != window, Duration.ofSeconds(35),
                    "the next OTP window");
        }
    }
}
