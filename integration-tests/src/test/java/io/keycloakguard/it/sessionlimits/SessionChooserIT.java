package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.Chromium;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import redis.clients.jedis.RedisClient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.keycloakguard.it.sessionlimits.DemoRealm.PASSWORD;
import static io.keycloakguard.it.sessionlimits.DemoRealm.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Let the user choose": the chooser page in a real browser, and its defences against tampered posts. */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class SessionChooserIT {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    static GuardEnvironment env;
    static LimitedClient client;
    /** A client with a display name that is a message key, and a base URL: the way back after a cancel. */
    static LimitedClient named;
    static final String NAMED_HOME = "http://127.0.0.1:9/named-app/home";
    static RedisClient jedis;
    static RevocationClient revocations;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        DemoRealm.env = environment;
        DemoRealm.storeLimiterEvents(environment);
        client = LimitedClient.create(env, REALM, "chooser", Map.of("realmLimit", "1", "onExceed", "let-user-choose"));
        named = LimitedClient.create(env, REALM, "chooser-named", Map.of("realmLimit", "1", "onExceed", "let-user-choose"),
                Map.of("name", "${client_account-console}", "baseUrl", NAMED_HOME));
        jedis = RedisClient.create(env.redis().url());
        revocations = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                .pollBlock(Duration.ofMillis(200)).start();
    }

    @AfterAll
    static void tearDown() {
        if (revocations != null) {
            revocations.close();
        }
        if (jedis != null) {
            jedis.close();
        }
    }

    @Test
    void theUserPicksTheSessionToSignOutInChromium() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Chromium.installed(),
                "Debian chromium and chromium-driver are needed (.ci/run installs them)");
        String user = DemoRealm.newUser("chooser");
        BrowserSession laptop = new BrowserSession(env.baseUrl()).userAgent(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/131.0");
        Map<String, Object> old = laptop.login(REALM, named.clientId(), named.redirectUri(), user, PASSWORD);
        String oldSid = DemoRealm.sid(old);

        try (Chromium chromium = Chromium.start()) {
            WebDriver browser = chromium.driver();
            signIn(browser, client, user);

            By oldSession = By.cssSelector("li.guard-session[data-session-id='" + oldSid + "']");
            // The click does not wait for the page the form post leads to.
            Await.until(() -> !browser.findElements(oldSession).isEmpty(), Duration.ofSeconds(15), "the chooser page");
            WebElement listed = browser.findElement(oldSession);
            assertTrue(browser.getPageSource().contains("Too many active sessions"));
            assertTrue(listed.getText().contains("Windows"), "the device of the session: " + listed.getText());
            assertTrue(listed.getText().contains("127.0.0.1"), "the IP of the session: " + listed.getText());
            // The client's display name, a message key resolved as the account console shows it (was the raw client id).
            assertTrue(listed.getText().contains("Account Console"), "the clients of the session: " + listed.getText());
            assertFalse(listed.getText().contains("${"), listed.getText());
            assertTrue(listed.getText().contains("Firefox 131 on Windows"), "browser and OS in words: " + listed.getText());
            // Relative times (the machine may be slow: a minute can pass between the two sign-ins).
            assertTrue(Pattern.compile("Started (just now|1 minute ago|[2-9] minutes ago)").matcher(listed.getText()).find(),
                    "relative start: " + listed.getText());
            assertTrue(Pattern.compile("Last active (just now|1 minute ago|[2-9] minutes ago)").matcher(listed.getText())
                    .find(), "relative activity: " + listed.getText());
            List<WebElement> times = listed.findElements(By.cssSelector("time[datetime]"));
            assertEquals(2, times.size(), "started and last active as <time>: " + listed.getAttribute("outerHTML"));
            for (WebElement time : times) {
                assertTrue(time.getAttribute("datetime").matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"),
                        time.getAttribute("datetime"));
                assertTrue(time.getAttribute("title").matches(".*\\d{1,2}:\\d{2}.*"), "the exact time on hover: "
                        + time.getAttribute("title"));
                assertEquals("nowrap", time.getCssValue("white-space"), "a date does not wrap");
            }
            String intro = browser.findElement(By.id("guard-session-chooser-intro")).getText();
            assertTrue(intro.contains("You can have 1 active session at a time"), intro);
            assertTrue(browser.findElement(By.id("guard-sessions")).getAttribute("class").contains("pf-v5-c-data-list"),
                    "a PatternFly data list");
            assertEquals("none", listed.getCssValue("list-style-type"), "no bullets");
            String cancelClass = browser.findElement(By.id("guard-cancel")).getAttribute("class");
            assertTrue(cancelClass.contains("pf-m-secondary"), "Cancel is a secondary button: " + cancelClass);
            assertEquals(1, browser.findElements(By.cssSelector("li.guard-session")).size());
            Path shot = chromium.fullPageScreenshot("session-chooser");
            assertTrue(Files.size(shot) > 0);

            listed.findElement(By.tagName("button")).click();
            // A confirmation naming the session that was signed out, then on to the app.
            Await.until(() -> !browser.findElements(By.id("guard-session-ended")).isEmpty(), Duration.ofSeconds(15),
                    "the confirmation page");
            String confirmation = browser.findElement(By.id("guard-session-ended")).getText();
            assertTrue(confirmation.contains("Firefox 131 on Windows") && confirmation.contains("127.0.0.1")
                    && confirmation.contains("Account Console"), confirmation);
            chromium.fullPageScreenshot("session-ended");
            browser.findElement(By.id("guard-continue")).click();
            Await.until(() -> browser.getCurrentUrl().startsWith(client.redirectUri()), Duration.ofSeconds(15),
                    "the browser returns to the app");
            assertTrue(browser.getCurrentUrl().contains("code="), browser.getCurrentUrl());
        }
        List<String> sessions = DemoRealm.sessionIds(user);
        assertEquals(1, sessions.size());
        assertFalse(sessions.contains(oldSid), "the chosen session is over");
        Map<String, Object> claims = Tokens.claims((String) old.get("access_token"));
        Await.until(() -> revocations.isRevoked(claims), Duration.ofSeconds(15), "the ended session is revoked");
        List<Map<String, Object>> events = env.admin().request()
                .get("/admin/realms/{realm}/events?user={id}&type={type}", REALM, DemoRealm.userId(user),
                        ReleaseCompatibilityIT.SESSION_ENDED_EVENT)
                .then().statusCode(200).extract().jsonPath().getList("");
        assertTrue(events.stream().anyMatch(e -> String.valueOf(e.get("details")).contains("user-choice")
                && String.valueOf(e.get("details")).contains(oldSid)), events.toString());
    }

    @Test
    void tamperedPostsEndNothingAndCancelKeepsEverySession() {
        String alice = DemoRealm.newUser("chooser-a");
        String bob = DemoRealm.newUser("chooser-b");
        String aliceSid = DemoRealm.sid(client.login(alice, PASSWORD));
        String bobSid = DemoRealm.sid(client.login(bob, PASSWORD));

        BrowserSession browser = new BrowserSession(env.baseUrl());
        BrowserSession.LoginPage login = browser.openLoginPage(REALM, client.clientId(), client.redirectUri());
        BrowserSession.Outcome page = browser.submitCredentials(login, alice, PASSWORD);
        assertEquals(200, page.status());
        assertTrue(page.body().contains(aliceSid), "Alice's session is offered");
        assertFalse(page.body().contains(bobSid), "Bob's session is never shown to Alice");

        // Another user's session id, with a valid token.
        page = browser.submitForm(BrowserSession.formAction(page.body()), Map.of("csrf", csrf(page), "sessionId", bobSid));
        assertEquals(200, page.status());
        assertTrue(page.body().contains("could not be signed out"), page.body());
        assertTrue(DemoRealm.sessionIds(bob).contains(bobSid), "Bob's session is untouched");

        // Alice's own session, with a forged token.
        page = browser.submitForm(BrowserSession.formAction(page.body()), Map.of("csrf", "forged", "sessionId", aliceSid));
        assertEquals(200, page.status());
        assertTrue(page.body().contains("could not be signed out"));
        assertTrue(DemoRealm.sessionIds(alice).contains(aliceSid), "a forged post ends nothing");

        // A token from an earlier rendering of the page is stale.
        String stale = csrf(page);
        page = browser.submitForm(BrowserSession.formAction(page.body()), Map.of("csrf", "x" + stale, "sessionId", aliceSid));
        assertTrue(DemoRealm.sessionIds(alice).contains(aliceSid));

        BrowserSession.Outcome cancelled = browser.submitForm(BrowserSession.formAction(page.body()),
                Map.of("csrf", csrf(page), "cancel", "true"));
        // Cancel ends on the pack's "Sign-in cancelled" page (was a redirect to the app with error=access_denied);
        // without a base URL the way back is the client's validated redirect URI without any parameter.
        assertEquals(200, cancelled.status(), String.valueOf(cancelled.location()));
        assertTrue(cancelled.body().contains("template: guard-sign-in-cancelled.ftl"), cancelled.body());
        assertTrue(cancelled.body().contains("Sign-in cancelled"), cancelled.body());
        assertTrue(cancelled.body().contains("href=\"" + client.redirectUri() + "\""), cancelled.body());
        assertFalse(cancelled.body().contains("access_denied"), cancelled.body());
        assertEquals(List.of(aliceSid), DemoRealm.sessionIds(alice), "cancel ends nothing");
        List<Map<String, Object>> errors = env.admin().request()
                .get("/admin/realms/{realm}/events?user={id}&type=LOGIN_ERROR", REALM, DemoRealm.userId(alice))
                .then().statusCode(200).extract().jsonPath().getList("");
        assertTrue(errors.stream().anyMatch(e -> "rejected_by_user".equals(e.get("error"))
                && String.valueOf(e.get("details")).contains("session_limit.cancelled")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> "guard_session_limit_invalid_choice".equals(e.get("error"))),
                "tampered posts are recorded: " + errors);

        BrowserSession again = new BrowserSession(env.baseUrl());
        BrowserSession.LoginPage second = again.openLoginPage(REALM, client.clientId(), client.redirectUri());
        BrowserSession.Outcome chooser = again.submitCredentials(second, alice, PASSWORD);
        assertTrue(chooser.body().contains(client.clientId()), "a client without a name shows its id: " + chooser.body());
        BrowserSession.Outcome ended = again.submitForm(BrowserSession.formAction(chooser.body()),
                Map.of("csrf", csrf(chooser), "sessionId", aliceSid));
        assertTrue(ended.body().contains("id=\"guard-session-ended\""), "the confirmation: " + ended.body());
        BrowserSession.Outcome done = again.submitForm(BrowserSession.formAction(ended.body()),
                Map.of("csrf", csrf(ended), "continue", "true"));
        assertNotNull(done.code(), "choosing her own session lets Alice in: " + done.body());
        List<String> after = DemoRealm.sessionIds(alice);
        assertEquals(1, after.size());
        assertFalse(after.contains(aliceSid));
        assertTrue(DemoRealm.sessionIds(bob).contains(bobSid));
    }

    @Test
    void cancellingInChromiumEndsOnAThemedPageWithTheWayBackToTheApp() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Chromium.installed(),
                "Debian chromium and chromium-driver are needed (.ci/run installs them)");
        String user = DemoRealm.newUser("chooser-cancel");
        String sid = DemoRealm.sid(client.login(user, PASSWORD));
        try (Chromium chromium = Chromium.start()) {
            WebDriver browser = chromium.driver();
            signIn(browser, named, user);
            Await.until(() -> !browser.findElements(By.id("guard-cancel")).isEmpty(), Duration.ofSeconds(15),
                    "the chooser page");
            browser.findElement(By.id("guard-cancel")).click();
            Await.until(() -> !browser.findElements(By.id("guard-sign-in-cancelled")).isEmpty(), Duration.ofSeconds(15),
                    "the cancelled page: " + browser.getPageSource());
            assertFalse(browser.getCurrentUrl().contains("access_denied"), browser.getCurrentUrl());
            assertTrue(browser.getPageSource().contains("Sign-in cancelled"));
            WebElement back = browser.findElement(By.id("guard-back-to-app"));
            assertEquals(NAMED_HOME, back.getAttribute("href"), "the client's base URL");
            assertTrue(back.getText().contains("Account Console"), back.getText());
            chromium.fullPageScreenshot("sign-in-cancelled");
        }
        assertEquals(List.of(sid), DemoRealm.sessionIds(user), "cancel ends nothing");
    }

    private static void signIn(WebDriver browser, LimitedClient app, String user) {
        browser.get(env.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/auth?client_id="
                + app.clientId() + "&response_type=code&scope=openid&redirect_uri="
                + URLEncoder.encode(app.redirectUri(), StandardCharsets.UTF_8));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("kc-login")).click();
    }

    private static String csrf(BrowserSession.Outcome page) {
        Matcher m = CSRF.matcher(page.body());
        assertTrue(m.find(), "no csrf field on:\n" + page.body());
        return m.group(1);
    }
}
