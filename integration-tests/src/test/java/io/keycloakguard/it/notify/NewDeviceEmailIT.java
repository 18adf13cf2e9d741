package io.keycloakguard.it.notify;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.Chromium;
import io.keycloakguard.it.harness.FreePorts;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.SmtpServer;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import redis.clients.jedis.RedisClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The new-device email end to end: the device recorder at the end of a browser flow with notifyNewDevice,
 * a local SMTP server, the email's content, and its "this wasn't me" link followed over HTTP.
 */
@ExtendWith(KeycloakGuardExtension.class)
class NewDeviceEmailIT {

    static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0";
    static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    static final Pattern LINK = Pattern.compile("This wasn't me: (\\S+)");
    static final Pattern TIME = Pattern.compile("Time: (.+) UTC");

    static SmtpServer smtp;
    static NotifyRealm realm;
    static RedisClient jedis;
    static RevocationClient revocations;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        smtp = SmtpServer.start();
        realm = NotifyRealm.create(env, "new-device", smtp);
        useDeviceRecorder(realm);
        jedis = RedisClient.create(env.redis().url());
        revocations = RevocationClient.builder(jedis, realm.name).keyPrefix(env.keyPrefix())
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
        if (realm != null) {
            realm.delete();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    /**
     * The realm's browser flow: a copy of "browser" with the device recorder at the end of its forms subflow,
     * notifyNewDevice on. (A REQUIRED step at the top level would make Keycloak ignore the ALTERNATIVE
     * cookie and forms steps beside it.)
     */
    static void useDeviceRecorder(NotifyRealm realm) {
        AuthFlows flows = new AuthFlows(realm.admin, realm.name);
        flows.copy("browser", "device-browser");
        String execution = flows.addRequired("device-browser forms", "guard-device-recorder");
        flows.saveConfig(execution, "device-recorder-" + realm.name, Map.of("notifyNewDevice", "true"))
                .then().statusCode(201);
        realm.admin.request().body(Map.of("browserFlow", "device-browser"))
                .put("/admin/realms/{realm}", realm.name).then().statusCode(204);
    }

    static BrowserSession device(String userAgent, String address) {
        return new BrowserSession(realm.baseUrl()).userAgent(userAgent).forwardedFor(address);
    }

    static Map<String, Object> login(BrowserSession browser, NotifyRealm realm, String username) {
        return browser.login(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT, username, NotifyRealm.PASSWORD);
    }

    /**
     * The real email as GreenMail received it, opened in headless Chromium: the HTML part in English and German
     * (the user's language), its heading, the "this wasn't me" link reached with Tab, WCAG AA contrast; and the
     * plain-text part. Screenshots: target/screenshots/new-device-email-*.png.
     */
    @Test
    void theEmailReadsWellInABrowserInEnglishAndGerman(GuardEnvironment env) throws Exception {
        Assumptions.assumeTrue(Chromium.installed(), "Debian chromium and chromium-driver are needed (.ci/run installs them)");
        NotifyRealm looks = NotifyRealm.create(env, "new-device-look", smtp);
        try {
            useDeviceRecorder(looks);
            env.admin().request().body(Map.of("displayName", "Example App", "internationalizationEnabled", true,
                            "supportedLocales", List.of("en", "de"), "defaultLocale", "en"))
                    .put("/admin/realms/{realm}", looks.name).then().statusCode(204);
            Map<String, List<String>> expected = Map.of(
                    "en", List.of("New sign-in to your account", "This wasn't me", "IP address"),
                    "de", List.of("Neue Anmeldung bei Ihrem Konto", "Das war ich nicht", "IP-Adresse"));
            for (String locale : List.of("en", "de")) {
                String username = NotifyRealm.unique("look-" + locale);
                env.admin().createUser(looks.name, username, NotifyRealm.PASSWORD, Map.of("locale", List.of(locale)));
                login(device(FIREFOX_LINUX, "198.51.100.30").header("Accept-Language", "en"), looks, username);
                login(device(SAFARI_IPHONE, "203.0.113.30").header("Accept-Language", "en"), looks, username);
                SmtpServer.Mail mail = smtp.awaitMessagesTo(username + "@example.test", 1, Duration.ofSeconds(15)).get(0);
                Matcher text = Pattern.compile(Pattern.quote(expected.get(locale).get(1)) + ": (\\S+)").matcher(mail.text());
                assertTrue(text.find(), mail.text());
                String link = text.group(1);

                Path html = Path.of("target", "screenshots", "new-device-email-" + locale + ".html");
                Files.createDirectories(html.getParent());
                Files.writeString(html, mail.html());
                try (Chromium chromium = Chromium.start()) {
                    WebDriver browser = chromium.driver();
                    browser.get(html.toUri().toString());
                    assertEquals(expected.get(locale).get(0), browser.findElement(By.id("guard-heading")).getText());
                    assertEquals(locale, browser.findElement(By.tagName("html")).getAttribute("lang"));
                    String page = browser.findElement(By.tagName("body")).getText();
                    assertTrue(page.contains("Example App") && page.contains(username) && page.contains("203.0.113.30")
                            && page.contains(expected.get(locale).get(2)), page);
                    WebElement notMe = browser.findElement(By.id("guard-not-me"));
                    assertEquals(expected.get(locale).get(1), notMe.getText());
                    assertEquals(link, notMe.getAttribute("href"), "the link of the text part");
                    assertEquals(List.of("guard-not-me"), Chromium.tabTo(browser, "guard-not-me"),
                            "the link is the first thing Tab reaches");
                    assertEquals(List.of(), Chromium.lowContrastTexts(browser), "texts below WCAG AA contrast");
                    chromium.fullPageScreenshot("new-device-email-" + locale);

                    if (locale.equals("en")) {
                        Path plain = Path.of("target", "screenshots", "new-device-email-text-en.html");
                        Files.writeString(plain, "<html><body><pre style=\"font: 14px monospace; padding: 16px; max-width: 80ch; white-space: pre-wrap; overflow-wrap: anywhere;\">"
                                + mail.text().replace("&", "&amp;").replace("<", "&lt;") + "</pre></body></html>");
                        browser.get(plain.toUri().toString());
                        assertTrue(browser.findElement(By.tagName("pre")).getText().startsWith("New sign-in to your account"));
                        chromium.fullPageScreenshot("new-device-email-text-en");
                    }
                }
            }
        } finally {
            looks.delete();
        }
    }

    @Tag("compat")
    @Test
    void aSignInFromANewDeviceEmailsTheUserAndTheLinkEndsEverything() {
        String username = NotifyRealm.unique("owner");
        String email = username + "@example.test";
        String userId = realm.createUser(username);

        BrowserSession laptop = device(FIREFOX_LINUX, "198.51.100.20");
        Map<String, Object> laptopTokens = login(laptop, realm, username);
        // The email goes out when the sign-in completes; the first device a user ever uses is not news.
        assertEquals(List.of(), smtp.messagesTo(email), "no email for the first device");

        Instant before = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        BrowserSession phone = device(SAFARI_IPHONE, "203.0.113.7");
        Map<String, Object> phoneTokens = login(phone, realm, username);
        Instant after = Instant.now();
        Map<String, Object> offlineTokens = realm.offlineLogin(username);

        SmtpServer.Mail mail = smtp.awaitMessagesTo(email, 1, Duration.ofSeconds(15)).get(0);
        assertEquals(NotifyRealm.FROM, mail.from());
        assertEquals("New sign-in to " + realm.shownName(), mail.subject());
        assertNotNull(mail.text(), "a plain-text part");
        assertNotNull(mail.html(), "an HTML part");
        assertTrue(mail.text().contains(username), mail.text());
        assertTrue(mail.text().contains("Mobile Safari"), mail.text());
        assertTrue(mail.text().contains("iOS"), mail.text());
        assertFalse(mail.text().contains("Firefox"), mail.text());
        assertTrue(mail.text().contains("IP address: 203.0.113.7"), mail.text());
        assertTrue(mail.html().contains("203.0.113.7") && mail.html().contains("Mobile Safari"), mail.html());
        Matcher time = TIME.matcher(mail.text());
        assertTrue(time.find(), mail.text());
        Instant shown = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                .withLocale(Locale.ENGLISH).withZone(ZoneOffset.UTC).parse(time.group(1), Instant::from);
        assertFalse(shown.isBefore(before) || shown.isAfter(after), shown + " not within the sign-in " + before + ".." + after);

        Matcher linkMatch = LINK.matcher(mail.text());
        assertTrue(linkMatch.find(), mail.text());
        String link = linkMatch.group(1);
        assertTrue(link.startsWith(realm.baseUrl() + "/realms/" + realm.name + "/login-actions/action-token?key="), link);
        assertTrue(mail.html().contains("href=\"" + link + "\""), mail.html());
        Map<String, Object> key = Tokens.claims(link.substring(link.indexOf("key=") + 4));
        assertEquals("guard-not-me", key.get("typ"));
        assertEquals(userId, key.get("sub"));
        long lifespan = ((Number) key.get("exp")).longValue() - ((Number) key.get("iat")).longValue();
        assertEquals(12 * 3600, lifespan, 2, "the realm's admin-initiated action lifespan");

        assertEquals(2, realm.sessions(userId).size(), "laptop and phone");
        assertEquals(1, realm.offlineSessions(userId).size());

        // The user follows the link in some browser and confirms.
        BrowserSession.Outcome page = NotMeClick.confirm(realm.baseUrl(), link);
        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("All your sessions were ended"), page.body());

        assertEquals(List.of(), realm.sessions(userId));
        assertEquals(List.of(), realm.offlineSessions(userId));
        for (Map<String, Object> tokens : List.of(laptopTokens, phoneTokens, offlineTokens)) {
            Map<String, Object> claims = Tokens.claims((String) tokens.get("access_token"));
            Await.until(() -> revocations.isRevoked(claims), Duration.ofSeconds(15),
                    "the token of session " + claims.get("sid") + " is rejected");
        }
        assertEquals(List.of("UPDATE_PASSWORD"), realm.requiredActions(userId));
        assertEquals(1, realm.events(userId, "EXECUTE_ACTION_TOKEN").size());

        // The old password signs nobody in, not even on the known laptop; an email lets the owner choose a new one.
        BrowserSession.LoginPage loginPage = laptop.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        BrowserSession.Outcome refused = laptop.submitCredentials(loginPage, username, NotifyRealm.PASSWORD);
        assertTrue(refused.body().contains("Invalid username or password"), refused.status() + " " + refused.body());
        SmtpServer.Mail reset = smtp.awaitMessagesTo(email, 2, Duration.ofSeconds(15)).get(1);
        Matcher resetLink = NotMeTakeoverIT.URL.matcher(reset.text());
        assertTrue(resetLink.find(), reset.text());
        BrowserSession owner = new BrowserSession(realm.baseUrl());
        BrowserSession.Outcome form = NotMeClick.openNewPasswordForm(owner, resetLink.group(1));
        BrowserSession.Outcome updated = owner.submitForm(BrowserSession.formAction(form.body()),
                Map.of("password-new", NotifyRealm.NEW_PASSWORD, "password-confirm", NotifyRealm.NEW_PASSWORD));
        assertEquals(200, updated.status(), updated.body());
        loginPage = laptop.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        BrowserSession.Outcome done = laptop.submitCredentials(loginPage, username, NotifyRealm.NEW_PASSWORD);
        assertNotNull(done.code(), done.status() + " " + done.location() + " " + done.body());
        assertEquals(1, realm.sessions(userId).size());

        // A second click changes nothing and is no server error.
        BrowserSession.Outcome second = NotMeClick.confirm(realm.baseUrl(), link);
        assertEquals(400, second.status(), second.body());
        assertTrue(second.body().contains("kc-error-message"), second.body());
        assertEquals(1, realm.sessions(userId).size());
        assertEquals(List.of(), realm.requiredActions(userId));

        BrowserSession.Outcome garbage = new BrowserSession(realm.baseUrl())
                .open(link.substring(0, link.indexOf("key=") + 4) + "garbage" + link.substring(link.length() - 20));
        assertEquals(400, garbage.status(), garbage.body());

        assertEquals(2, smtp.messagesTo(email).size(),
                "the notice and the new-password email only: the known laptop signed in again");
    }

    /**
     * The last POST of a browser sign-in with an extra {@code grant_type=password} field (issue 24, item 3):
     * Keycloak ignores the field and completes the sign-in; the pack must still see a browser with pages.
     */
    @Test
    void anExtraGrantTypeFieldOnTheLastPostStillSendsTheEmailAndTheCookie() {
        String username = NotifyRealm.unique("grant-type");
        String email = username + "@example.test";
        realm.createUser(username);
        login(device(FIREFOX_LINUX, "198.51.100.70"), realm, username);

        BrowserSession phone = device(SAFARI_IPHONE, "203.0.113.70");
        BrowserSession.LoginPage page = phone.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        BrowserSession.Outcome done = phone.submitForm(page.formAction(), Map.of("username", username,
                "password", NotifyRealm.PASSWORD, "credentialId", "", "grant_type", "password"));
        assertNotNull(done.code(), "Keycloak ignores the field: " + done.status() + " " + done.body());

        assertNotNull(phone.cookieWithPath("KC_GUARD_DEVICE"), "no device cookie: the pack took the browser for an API client");
        assertEquals(1, smtp.awaitMessagesTo(email, 1, Duration.ofSeconds(15)).size(), "the new-device email");
    }

    @Test
    void theLoginGoesOnWhenTheUserHasNoEmailAddress(GuardEnvironment env) {
        realm.emailOptional();
        String username = NotifyRealm.unique("no-address");
        env.admin().request().body(Map.of("username", username, "enabled", true, "firstName", "No", "lastName", "Address",
                        "credentials", List.of(Map.of("type", "password", "value", NotifyRealm.PASSWORD, "temporary", false))))
                .post("/admin/realms/{realm}/users", realm.name).then().statusCode(201);
        int mailsBefore = smtp.messages().size();

        login(device(FIREFOX_LINUX, "198.51.100.30"), realm, username);
        login(device(SAFARI_IPHONE, "203.0.113.30"), realm, username);
        login(device(SAFARI_IPHONE, "203.0.113.31"), realm, username);

        assertEquals(mailsBefore, smtp.messages().size());
        assertEquals(1, occurrences(env.keycloak().log(), "New-device email not sent in realm " + realm.name
                + ": user "), "logged once per realm");
    }

    @Test
    void theLoginGoesOnWhenTheMailServerIsDownAndMailFlowsAgainAfterwards(GuardEnvironment env) {
        String username = NotifyRealm.unique("smtp-down");
        String email = username + "@example.test";
        realm.createUser(username);
        login(device(FIREFOX_LINUX, "198.51.100.40"), realm, username);
        Map<String, String> down = new java.util.HashMap<>(smtp.realmSettings(NotifyRealm.FROM));
        down.put("port", String.valueOf(FreePorts.next())); // nothing listens there
        realm.smtp(down);
        try {
            Map<String, Object> tokens = login(device(SAFARI_IPHONE, "203.0.113.40"), realm, username);
            assertNotNull(tokens.get("access_token"), "signed in although the email could not be sent");
            login(device(SAFARI_IPHONE, "203.0.113.41"), realm, username);
        } finally {
            realm.smtp(smtp.realmSettings(NotifyRealm.FROM));
        }
        assertEquals(1, occurrences(env.keycloak().log(), "of realm " + realm.name + " not sent: "), "logged once per realm and cause");
        login(device(SAFARI_IPHONE, "203.0.113.42"), realm, username);
        assertEquals(1, smtp.awaitMessagesTo(email, 1, Duration.ofSeconds(15)).size(), "mail flows again");
    }

    @Test
    void aRealmWithoutMailServerSignsInWithoutEmail(GuardEnvironment env) {
        NotifyRealm bare = NotifyRealm.create(env, "no-smtp", null);
        try {
            useDeviceRecorder(bare);
            String username = NotifyRealm.unique("bare");
            bare.createUser(username);
            login(new BrowserSession(env.baseUrl()).userAgent(FIREFOX_LINUX), bare, username);
            Map<String, Object> tokens = login(new BrowserSession(env.baseUrl()).userAgent(SAFARI_IPHONE), bare, username);
            login(new BrowserSession(env.baseUrl()).userAgent(SAFARI_IPHONE), bare, username);
            assertNotNull(tokens.get("access_token"));
            assertEquals(1, occurrences(env.keycloak().log(), "New-device emails are not sent in realm " + bare.name));
        } finally {
            bare.delete();
        }
    }

    static int occurrences(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
