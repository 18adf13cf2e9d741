package io.keycloakguard.it.notify;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The "this wasn't me" action token on its own: links signed with a realm key the test installed, as the
 * new-device email carries them (NewDeviceEmailIT follows the link of a real email), and expired, forged
 * and malformed ones.
 */
@ExtendWith(KeycloakGuardExtension.class)
class NotMeLinkIT {

    static NotifyRealm realm;
    static RealmSigningKey key;
    static RedisClient jedis;
    static RevocationClient revocations;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        realm = NotifyRealm.create(env, "not-me", null);
        key = RealmSigningKey.installIn(realm);
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
    }

    static Date inAnHour() {
        return new Date(System.currentTimeMillis() + 3_600_000);
    }

    static Map<String, Object> browserLogin(String username) {
        return new BrowserSession(realm.baseUrl()).login(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT, username,
                NotifyRealm.PASSWORD);
    }

    static Map<String, Object> claims(Map<String, Object> tokens) {
        return Tokens.claims((String) tokens.get("access_token"));
    }

    @Test
    void theConfirmedLinkEndsEverySessionRevokesThemAndRemovesThePassword() {
        String username = NotifyRealm.unique("victim");
        String userId = realm.createUser(username);
        String bystanderName = NotifyRealm.unique("bystander");
        String bystanderId = realm.createUser(bystanderName);
        Map<String, Object> laptop = browserLogin(username);
        Map<String, Object> phone = browserLogin(username);
        Map<String, Object> offline = realm.offlineLogin(username);
        Map<String, Object> bystander = browserLogin(bystanderName);
        assertEquals(2, realm.sessions(userId).size(), "two browser sessions");
        assertEquals(1, realm.offlineSessions(userId).size());
        for (Map<String, Object> tokens : List.of(laptop, phone, offline)) {
            assertFalse(revocations.isRevoked(claims(tokens)));
        }

        BrowserSession.Outcome page = NotMeClick.confirm(realm.baseUrl(),
                RealmSigningKey.link(realm, key.notMeToken(realm, userId, inAnHour())));

        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("Signed out everywhere"), page.body());
        // This realm sends no email: the page says who can set a new password.
        assertTrue(page.body().contains("All your sessions were ended and your password was removed."), page.body());
        assertTrue(page.body().contains("Ask your administrator"), page.body());
        assertEquals(List.of(), realm.sessions(userId));
        assertEquals(List.of(), realm.offlineSessions(userId));
        for (Map<String, Object> tokens : List.of(laptop, phone, offline)) {
            Map<String, Object> c = claims(tokens);
            Await.until(() -> revocations.isRevoked(c), Duration.ofSeconds(15), "the token of session " + c.get("sid") + " is rejected");
        }
        assertEquals(400, realm.refresh(offline.get("refresh_token")).statusCode(), "the offline token is dead");
        assertEquals(List.of("UPDATE_PASSWORD"), realm.requiredActions(userId));
        assertEquals(1, realm.sessions(bystanderId).size(), "other users keep their sessions");
        assertFalse(revocations.isRevoked(claims(bystander)));

        List<Map<String, Object>> events = realm.events(userId, "EXECUTE_ACTION_TOKEN");
        assertEquals(1, events.size(), events.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) events.get(0).get("details");
        assertEquals("not_me", details.get("guard_event"));
        assertEquals("guard-not-me", details.get("action"));
        assertEquals("3", details.get("sessions_ended"));
        assertEquals("true", details.get("password_removed"));

        // The password the intruder knows signs nobody in any more.
        BrowserSession next = new BrowserSession(realm.baseUrl());
        BrowserSession.LoginPage login = next.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        BrowserSession.Outcome refused = next.submitCredentials(login, username, NotifyRealm.PASSWORD);
        assertEquals(200, refused.status());
        assertFalse(refused.body().contains("kc-passwd-update-form"), refused.body());
        assertTrue(refused.body().contains("Invalid username or password"), refused.body());
        assertEquals(400, io.restassured.RestAssured.given().formParam("grant_type", "password")
                .formParam("client_id", NotifyRealm.CLIENT).formParam("username", username)
                .formParam("password", NotifyRealm.PASSWORD).post(Tokens.tokenEndpoint(realm.baseUrl(), realm.name))
                .statusCode(), "nor through the password grant");
    }

    @Test
    void openingTheLinkOnlyShowsAConfirmationPageAndThePostActsOnce() {
        String username = NotifyRealm.unique("scanned-get");
        String userId = realm.createUser(username);
        browserLogin(username);
        String link = RealmSigningKey.link(realm, key.notMeToken(realm, userId, inAnHour()));

        // What a mail scanner that follows links does: GET, and GET again.
        for (int i = 0; i < 2; i++) {
            BrowserSession.Outcome page = new BrowserSession(realm.baseUrl()).open(link);
            assertEquals(200, page.status(), page.body());
            assertNotNull(NotMeClick.confirmAction(page.body()), "a confirmation page with a form: " + page.body());
            assertTrue(page.body().toLowerCase().contains("method=\"post\""), page.body());
        }
        assertEquals(1, realm.sessions(userId).size(), "a GET ends no session");
        assertEquals(List.of(), realm.requiredActions(userId), "a GET requires nothing");
        assertEquals(List.of(), realm.events(userId, "EXECUTE_ACTION_TOKEN"), "a GET acts on nothing");

        BrowserSession owner = new BrowserSession(realm.baseUrl());
        String action = NotMeClick.confirmAction(owner.open(link).body());
        BrowserSession.Outcome done = owner.submitForm(action, Map.of());
        assertEquals(200, done.status(), done.body());
        assertTrue(done.body().contains("All your sessions were ended"), done.body());
        assertEquals(List.of(), realm.sessions(userId));
        assertEquals(1, realm.events(userId, "EXECUTE_ACTION_TOKEN").size());

        BrowserSession.Outcome second = new BrowserSession(realm.baseUrl()).submitForm(action, Map.of());
        assertEquals(400, second.status(), second.body());
        assertTrue(second.body().contains("kc-error-message"), second.body());
        BrowserSession.Outcome reopened = new BrowserSession(realm.baseUrl()).open(link);
        assertEquals(400, reopened.status(), "a used link shows no confirmation page again: " + reopened.body());
        assertEquals(1, realm.events(userId, "EXECUTE_ACTION_TOKEN").size());
    }

    @Test
    void aSecondClickChangesNothing() {
        String username = NotifyRealm.unique("twice");
        String userId = realm.createUser(username);
        browserLogin(username);
        String link = RealmSigningKey.link(realm, key.notMeToken(realm, userId, inAnHour()));
        assertEquals(200, NotMeClick.confirm(realm.baseUrl(), link).status());
        assertEquals(List.of(), realm.sessions(userId));
        // An admin gives the user a new password; the user signs in and has a session again.
        realm.env.admin().request().body(Map.of("type", "password", "value", NotifyRealm.NEW_PASSWORD, "temporary", false))
                .put("/admin/realms/{realm}/users/{id}/reset-password", realm.name, userId).then().statusCode(204);
        BrowserSession again = new BrowserSession(realm.baseUrl());
        BrowserSession.LoginPage login = again.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        BrowserSession.Outcome done = again.submitCredentials(login, username, NotifyRealm.NEW_PASSWORD);
        assertNotNull(done.code(), done.status() + " " + done.body());
        assertEquals(1, realm.sessions(userId).size());

        BrowserSession.Outcome second = NotMeClick.confirm(realm.baseUrl(), link);

        assertEquals(400, second.status(), second.body());
        assertTrue(second.body().contains("kc-error-message"), second.body());
        assertEquals(1, realm.sessions(userId).size(), "the new session survives");
        assertEquals(List.of(), realm.requiredActions(userId), "no second password reset");
        assertEquals(1, realm.events(userId, "EXECUTE_ACTION_TOKEN").size());
        List<Map<String, Object>> errors = realm.events(userId, "EXECUTE_ACTION_TOKEN_ERROR");
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("expired_code", errors.get(0).get("error"));
    }

    @Test
    void twoClicksAtOnceActOnce() throws Exception {
        String username = NotifyRealm.unique("double-click");
        String userId = realm.createUser(username);
        browserLogin(username);
        String link = RealmSigningKey.link(realm, key.notMeToken(realm, userId, inAnHour()));
        String action = NotMeClick.confirmAction(new BrowserSession(realm.baseUrl()).open(link).body());
        assertNotNull(action);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Integer> click = () -> new BrowserSession(realm.baseUrl()).submitForm(action, Map.of()).status();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(List.of(click, click))) {
                statuses.add(f.get());
            }
            Collections.sort(statuses);
            assertEquals(List.of(200, 400), statuses);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, realm.events(userId, "EXECUTE_ACTION_TOKEN").size());
        assertEquals(List.of(), realm.sessions(userId));
    }

    @Test
    void aHeadRequestLikeAMailScannersChangesNothing() {
        String username = NotifyRealm.unique("scanned");
        String userId = realm.createUser(username);
        browserLogin(username);
        String link = RealmSigningKey.link(realm, key.notMeToken(realm, userId, inAnHour()));

        io.restassured.RestAssured.given().redirects().follow(false).head(link).then().statusCode(200);

        assertEquals(1, realm.sessions(userId).size());
        assertEquals(List.of(), realm.requiredActions(userId));
        assertEquals(200, NotMeClick.confirm(realm.baseUrl(), link).status(), "the link still works afterwards");
        assertEquals(List.of(), realm.sessions(userId));
    }

    @Test
    void expiredForgedAndMalformedLinksShowKeycloaksErrorPage() {
        String username = NotifyRealm.unique("target");
        String userId = realm.createUser(username);
        browserLogin(username);
        Date past = new Date(System.currentTimeMillis() - 60_000);
        String valid = key.notMeToken(realm, userId, inAnHour());
        String[] parts = valid.split("\\.");
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("expired", key.notMeToken(realm, userId, past));
        bad.put("signed with another secret", RealmSigningKey.sign(
                RealmSigningKey.claims(realm, userId, "guard-not-me", inAnHour()), key.kid, RealmSigningKey.randomSecret()));
        bad.put("unknown key id", RealmSigningKey.sign(
                RealmSigningKey.claims(realm, userId, "guard-not-me", inAnHour()), "no-such-kid", RealmSigningKey.randomSecret()));
        bad.put("signature cut off", parts[0] + "." + parts[1] + ".");
        bad.put("payload changed", parts[0] + "." + base64Url("{\"sub\":\"" + userId + "\",\"typ\":\"guard-not-me\"}")
                + "." + parts[2]);
        bad.put("alg none", base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".");
        bad.put("other realm's issuer", RealmSigningKey.sign(new com.nimbusds.jwt.JWTClaimsSet.Builder(
                RealmSigningKey.claims(realm, userId, "guard-not-me", inAnHour()))
                .issuer(realm.baseUrl() + "/realms/master").build(), key.kid, key.secret));
        bad.put("unknown user", key.notMeToken(realm, UUID.randomUUID().toString(), inAnHour()));
        bad.put("unknown action", RealmSigningKey.sign(
                RealmSigningKey.claims(realm, userId, "guard-no-such-action", inAnHour()), key.kid, key.secret));
        bad.put("garbage", "not-a-token");
        bad.put("garbage with dots", "a.b.c");
        bad.put("base64 junk", base64Url("\u0000\u0001") + "." + base64Url("[]") + "." + base64Url("x"));
        bad.put("empty", "");

        for (Map.Entry<String, String> e : bad.entrySet()) {
            BrowserSession.Outcome page = new BrowserSession(realm.baseUrl()).open(RealmSigningKey.link(realm, e.getValue()));
            assertEquals(400, page.status(), e.getKey() + ": " + page.body());
            assertTrue(page.body().contains("kc-error-message"), e.getKey() + ": " + page.body());
            // The confirmation button's POST checks the key as strictly.
            BrowserSession.Outcome posted = new BrowserSession(realm.baseUrl()).submitForm(realm.baseUrl() + "/realms/"
                    + realm.name + "/login-actions/reset-credentials?key="
                    + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8), Map.of());
            assertTrue(posted.status() == 400 || (posted.status() == 200 && !posted.body().contains("Signed out")),
                    e.getKey() + " posted: " + posted.status() + " " + posted.body());
        }
        BrowserSession.Outcome noKey = new BrowserSession(realm.baseUrl())
                .open(realm.baseUrl() + "/realms/" + realm.name + "/login-actions/action-token");
        assertEquals(400, noKey.status(), noKey.body());

        assertEquals(1, realm.sessions(userId).size(), "no bad link ended anything");
        assertEquals(List.of(), realm.requiredActions(userId));
        assertEquals(List.of(), realm.events(userId, "EXECUTE_ACTION_TOKEN"));
    }

    static String base64Url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
