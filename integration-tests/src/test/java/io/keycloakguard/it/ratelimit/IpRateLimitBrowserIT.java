package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.keycloakguard.it.ratelimit.RateLimitRealm.PASSWORD;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.WRONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-IP rate limit in browser flows: the rate-limited username/password form checks before it shows
 * the form and before every submitted password; the gate checks when the flow starts. A blocked browser gets
 * a themed page with status 429 and Retry-After.
 */
@ExtendWith(KeycloakGuardExtension.class)
class IpRateLimitBrowserIT {

    static GuardEnvironment env;
    static RateLimitRealm realm;
    static String user;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        realm = RateLimitRealm.create(env.admin(), env.baseUrl());
        user = realm.newUser("rl-browser");
    }

    @Test
    void theFormRefusesFurtherPasswordsOnTheSamePageAtTheThreshold() {
        RateLimitedClient client = realm.browserForm("form", Map.of("maxFailures", "3", "window", "1h",
                "burstWindow", "0"));
        String attacker = RateLimitRealm.newAddress();
        BrowserSession browser = new BrowserSession(env.baseUrl()).header("X-Forwarded-For", attacker);
        BrowserSession.LoginPage page = browser.openLoginPage(realm.name, client.clientId(), client.redirectUri());
        String action = page.formAction();
        for (int i = 1; i <= 3; i++) {
            BrowserSession.Outcome failed = browser.submitForm(action, credentials(WRONG));
            assertEquals(200, failed.status(), "failure " + i);
            assertTrue(failed.body().contains("Invalid username or password"), failed.body());
            action = BrowserSession.formAction(failed.body());
        }

        HttpResponse<String> blocked = browser.post(action, credentials(PASSWORD));
        assertBlockedPage(blocked, 3600);

        // A new login from the same address is refused before the form is shown.
        HttpResponse<String> again = new BrowserSession(env.baseUrl()).header("X-Forwarded-For", attacker)
                .get(client.authorizationUrl());
        assertBlockedPage(again, 3600);

        // The form is Keycloak's form for everybody else.
        Map<String, Object> tokens = new BrowserSession(env.baseUrl())
                .header("X-Forwarded-For", RateLimitRealm.newAddress())
                .login(realm.name, client.clientId(), client.redirectUri(), user, PASSWORD);
        assertNotNull(tokens.get("access_token"));
    }

    @Test
    void theGateRefusesANewBrowserLoginFromABlockedAddress() {
        RateLimitedClient client = realm.browserGate("gate", Map.of("maxFailures", "2", "window", "0",
                "burstMax", "2", "burstWindow", "10m"));
        String attacker = RateLimitRealm.newAddress();
        BrowserSession browser = new BrowserSession(env.baseUrl()).header("X-Forwarded-For", attacker);
        BrowserSession.LoginPage page = browser.openLoginPage(realm.name, client.clientId(), client.redirectUri());
        String action = page.formAction();
        for (int i = 1; i <= 2; i++) {
            BrowserSession.Outcome failed = browser.submitForm(action, credentials(WRONG));
            assertEquals(200, failed.status());
            action = BrowserSession.formAction(failed.body());
        }
        HttpResponse<String> blocked = new BrowserSession(env.baseUrl()).header("X-Forwarded-For", attacker)
                .get(client.authorizationUrl());
        assertBlockedPage(blocked, 600);
    }

    private static Map<String, String> credentials(String password) {
        return Map.of("username", user, "password", password, "credentialId", "");
    }

    private static void assertBlockedPage(HttpResponse<String> response, long windowSeconds) {
        assertEquals(429, response.statusCode(), response.body());
        long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= windowSeconds, "Retry-After " + retryAfter);
        String html = response.body();
        assertTrue(html.contains("template: guard-rate-limited.ftl"), html);
        assertTrue(html.contains("Too many failed sign-in attempts"), html);
        assertTrue(html.contains("Please try again in " + ((retryAfter + 59) / 60) + " minute(s)."), html);
        // Rendered inside the realm's login theme (its stylesheet and page layout), not a bare error.
        assertTrue(html.contains("/resources/") && html.contains("kc-page-title"), html);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }
}
