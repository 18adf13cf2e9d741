package io.keycloakguard.it.realmconfig;

import com.warrenstrange.googleauth.GoogleAuthenticator;
import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.RealmEnvironment;
import org.apache.commons.codec.binary.Base32;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Browser sign-ins to a shipped realm's {@code app-spa}, answering the OTP set-up and prompt like an authenticator app. */
final class AppSignIn {

    static final String CLIENT = "app-spa";
    static final String REDIRECT = RealmEnvironment.APP_URL + "/callback";
    private static final Pattern TOTP_SECRET = Pattern.compile("name=\"totpSecret\" value=\"([^\"]+)\"");

    private final String baseUrl;
    private final String realm;
    private final String username;
    private final String password;
    /** The OTP secret as the set-up page showed it; null until set up. */
    private String secret;
    private final Set<String> usedCodes = new HashSet<>();

    AppSignIn(String baseUrl, String realm, String username, String password) {
        this.baseUrl = baseUrl;
        this.realm = realm;
        this.username = username;
        this.password = password;
    }

    /** What one sign-in asked for and where it ended: at the app (a code) or on a page (e.g. the session chooser). */
    record Result(BrowserSession.LoginPage page, boolean otpSetUp, boolean otpAsked, BrowserSession.Outcome end) {

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

    Result signIn(BrowserSession browser) {
        BrowserSession.LoginPage page = browser.openLoginPage(realm, CLIENT, REDIRECT);
        BrowserSession.Outcome outcome = browser.submitCredentials(page, username, password);
        boolean setUp = false;
        boolean asked = false;
        if (outcome.code() == null && outcome.body() != null) {
            Matcher setup = TOTP_SECRET.matcher(outcome.body());
            if (setup.find()) {
                secret = setup.group(1);
                setUp = true;
                outcome = browser.submitForm(BrowserSession.formAction(outcome.body()),
                        Map.of("totp", nextCode(), "totpSecret", secret, "userLabel", "phone"));
            } else if (outcome.body().contains("name=\"otp\"")) {
                asked = true;
                assertNotNull(secret, "OTP asked before it was set up: " + outcome.body());
                outcome = browser.submitForm(BrowserSession.formAction(outcome.body()), Map.of("otp", nextCode()));
            }
        }
        return new Result(page, setUp, asked, outcome);
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
