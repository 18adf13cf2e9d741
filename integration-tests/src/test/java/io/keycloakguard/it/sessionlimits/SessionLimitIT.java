package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.keycloakguard.it.sessionlimits.DemoRealm.REALM;
import static io.keycloakguard.it.sessionlimits.DemoRealm.PASSWORD;
import static io.keycloakguard.it.sessionlimits.DemoRealm.env;
import static io.keycloakguard.it.sessionlimits.DemoRealm.newUser;
import static io.keycloakguard.it.sessionlimits.DemoRealm.userId;
import static io.keycloakguard.it.sessionlimits.DemoRealm.sessionIds;
import static io.keycloakguard.it.sessionlimits.DemoRealm.sid;
import static io.keycloakguard.it.sessionlimits.DemoRealm.declareLimitAttribute;
import static io.keycloakguard.it.sessionlimits.DemoRealm.createGroup;
import static io.keycloakguard.it.sessionlimits.DemoRealm.joinGroup;
import static io.keycloakguard.it.sessionlimits.DemoRealm.grantRealmRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session limiter through the real Keycloak: limits, precedence, exceed actions, events, safety. */
@ExtendWith(KeycloakGuardExtension.class)
class SessionLimitIT {

    static RedisClient jedis;
    static RevocationClient revocations;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        DemoRealm.use(environment);
        jedis = RedisClient.create(env.redis().url());
        revocations = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                .pollBlock(Duration.ofMillis(200)).start();
        declareLimitAttribute(env);
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

    @Tag("compat")
    @Test
    void denyRefusesTheLoginWithoutCountingItAsAFailedLogin() {
        LimitedClient client = LimitedClient.create(env, REALM, "deny", Map.of("realmLimit", "2", "onExceed", "deny"));
        String user = newUser("deny");
        String id = userId(user);
        assertEquals(2, client.loginsAllowed(user, PASSWORD, 8));
        for (int i = 0; i < 5; i++) {
            Response denied = client.rightPasswordGrant(user, PASSWORD);
            assertEquals(400, denied.statusCode());
            assertEquals("invalid_grant", denied.jsonPath().getString("error"));
            assertTrue(denied.jsonPath().getString("error_description").contains("at most 2"));
        }
        assertEquals(2, sessionIds(user).size());
        Map<String, Object> attack = env.admin().request()
                .get("/admin/realms/{realm}/attack-detection/brute-force/users/{id}", REALM, id)
                .then().statusCode(200).extract().as(Map.class);
        assertEquals(0, ((Number) attack.get("numFailures")).intValue(), "denials must not count as failures: " + attack);
        // The counter itself works: a wrong password counts.
        Response wrong = client.passwordGrant(user, "wrong-password");
        assertEquals(Tokens.wrongPasswordStatus(), wrong.statusCode());
        assertEquals("Invalid user credentials", wrong.jsonPath().getString("error_description"));
        // Keycloak records the failure for its brute-force detector on its own schedule, not before answering.
        Await.until(() -> ((Number) env.admin().request()
                        .get("/admin/realms/{realm}/attack-detection/brute-force/users/{id}", REALM, id)
                        .then().statusCode(200).extract().as(Map.class).get("numFailures")).intValue() == 1,
                Duration.ofSeconds(10), "the wrong password counted once");

        List<Map<String, Object>> events = env.admin().request()
                .get("/admin/realms/{realm}/events?user={id}&type=LOGIN_ERROR", REALM, id)
                .then().statusCode(200).extract().jsonPath().getList("");
        Map<String, Object> denial = events.stream().filter(e -> "guard_session_limit_reached".equals(e.get("error")))
                .findFirst().orElseThrow(() -> new AssertionError("no denial event in " + events));
        @SuppressWarnings("unchecked")
        Map<String, String> details = (Map<String, String>) denial.get("details");
        assertEquals("session_limit.denied", details.get("guard_event"));
        assertEquals("2", details.get("limit"));
        assertEquals("2", details.get("session_count"));
        assertEquals("realm", details.get("policy"));
    }

    @Test
    void denyShowsAThemedPageInTheBrowser() {
        LimitedClient client = LimitedClient.create(env, REALM, "deny-page", Map.of("realmLimit", "1"));
        String user = newUser("deny-page");
        client.login(user, PASSWORD);
        BrowserSession browser = new BrowserSession(env.baseUrl());
        BrowserSession.Outcome outcome = browser.submitCredentials(
                browser.openLoginPage(REALM, client.clientId(), client.redirectUri()), user, PASSWORD);
        assertEquals(403, outcome.status());
        assertTrue(outcome.body().contains("maximum number of active sessions (1)"), outcome.body());
    }

    @Test
    void precedenceUserAttributeThenClientThenGroupThenRoleThenRealm() {
        env.admin().request().body(Map.of("name", "limit-premium")).post("/admin/realms/{realm}/roles", REALM);
        String tier = createGroup("/", "limit-tier");
        String gold = createGroup(tier, "gold");
        LimitedClient client = LimitedClient.create(env, REALM, "prec", Map.of(
                "realmLimit", "1",
                "roleLimits", "limit-premium=3",
                "groupLimits", "/limit-tier=2##/limit-tier/gold=4"));

        String plain = newUser("prec-plain");
        assertEquals(1, client.loginsAllowed(plain, PASSWORD, 6), "realm limit");

        String premium = newUser("prec-premium");
        grantRealmRole(premium, "limit-premium");
        assertEquals(3, client.loginsAllowed(premium, PASSWORD, 6), "a role beats the realm limit");

        String tierMember = newUser("prec-tier");
        grantRealmRole(tierMember, "limit-premium");
        joinGroup(tierMember, tier);
        assertEquals(2, client.loginsAllowed(tierMember, PASSWORD, 6), "a group beats a role, even a more generous one");

        String goldMember = newUser("prec-gold");
        joinGroup(goldMember, gold);
        assertEquals(4, client.loginsAllowed(goldMember, PASSWORD, 6), "the deepest group wins");

        String own = newUser("prec-own", Map.of("guard.maxSessions", List.of("2")));
        joinGroup(own, gold);
        assertEquals(2, client.loginsAllowed(own, PASSWORD, 6), "the user's own attribute beats everything");

        String unlimited = newUser("prec-unlimited", Map.of("guard.maxSessions", List.of("0")));
        assertEquals(6, client.loginsAllowed(unlimited, PASSWORD, 6), "0 means unlimited");

        String invalid = newUser("prec-invalid", Map.of("guard.maxSessions", List.of("lots")));
        assertEquals(1, client.loginsAllowed(invalid, PASSWORD, 6), "an invalid attribute is ignored");
    }

    @Test
    void clientRuleCountsOnlyThatClientsSessions() {
        LimitedClient kiosk = LimitedClient.create(env, REALM, "kiosk", Map.of());
        LimitedClient app = LimitedClient.create(env, REALM, "app", Map.of());
        Map<String, String> config = Map.of("realmLimit", "3", "clientLimits", kiosk.clientId() + "=1");
        kiosk.configure(config);
        app.configure(config);
        String user = newUser("client-rule");
        app.login(user, PASSWORD);
        app.login(user, PASSWORD);
        assertEquals(1, kiosk.loginsAllowed(user, PASSWORD, 3), "one kiosk session, whatever the other sessions");
        assertEquals(0, app.loginsAllowed(user, PASSWORD, 3), "the realm limit counts every session");
    }

    @Tag("compat")
    @Test
    void endLeastRecentlyActiveEndsTheIdleSessionNotTheOldest() throws Exception {
        try (LogoutReceiver receiver = LogoutReceiver.start()) {
            LimitedClient client = LimitedClient.create(env, REALM, "lru",
                    Map.of("realmLimit", "2", "onExceed", "end-least-recently-active"), receiver.clientAttributes());
            String user = newUser("lru");
            Map<String, Object> first = client.login(user, PASSWORD);
            Await.sleep(Duration.ofMillis(1100));
            Map<String, Object> second = client.login(user, PASSWORD);
            Await.sleep(Duration.ofMillis(1100));
            // The first session is used again: now the second is the least recently active.
            assertEquals(200, client.refresh(first.get("refresh_token")).statusCode());
            Await.sleep(Duration.ofMillis(1100));
            Map<String, Object> third = client.login(user, PASSWORD);

            List<String> sessions = sessionIds(user);
            assertEquals(2, sessions.size());
            assertTrue(sessions.containsAll(List.of(sid(first), sid(third))), sessions.toString());
            assertEndedForGood(client, second, receiver);
            assertEndedEvent(user, sid(second), "least-recently-active");
        }
    }

    @Test
    void endOldestEndsTheFirstCreatedSession() throws Exception {
        try (LogoutReceiver receiver = LogoutReceiver.start()) {
            LimitedClient client = LimitedClient.create(env, REALM, "oldest",
                    Map.of("realmLimit", "2", "onExceed", "end-oldest"), receiver.clientAttributes());
            String user = newUser("oldest");
            Map<String, Object> first = client.login(user, PASSWORD);
            Await.sleep(Duration.ofMillis(1100));
            Map<String, Object> second = client.login(user, PASSWORD);
            Await.sleep(Duration.ofMillis(1100));
            assertEquals(200, client.refresh(first.get("refresh_token")).statusCode());
            Map<String, Object> third = client.login(user, PASSWORD);

            List<String> sessions = sessionIds(user);
            assertTrue(sessions.containsAll(List.of(sid(second), sid(third))) && sessions.size() == 2, sessions.toString());
            assertEndedForGood(client, first, receiver);
            assertEndedEvent(user, sid(first), "oldest");
        }
    }

    private void assertEndedForGood(LimitedClient client, Map<String, Object> ended, LogoutReceiver receiver) {
        String sid = sid(ended);
        assertEquals(400, client.refresh(ended.get("refresh_token")).statusCode(), "the ended session cannot refresh");
        Map<String, Object> claims = Tokens.claims((String) ended.get("access_token"));
        Await.until(() -> revocations.isRevoked(claims), Duration.ofSeconds(15), "resource servers reject " + sid);
        Await.until(() -> receiver.sessionsLoggedOut().contains(sid), Duration.ofSeconds(15),
                "the client receives a back-channel logout for " + sid);
    }

    private void assertEndedEvent(String username, String endedSid, String reason) {
        List<Map<String, Object>> events = env.admin().request()
                .get("/admin/realms/{realm}/events?user={id}&type={type}", REALM, userId(username),
                        ReleaseCompatibilityIT.SESSION_ENDED_EVENT)
                .then().statusCode(200).extract().jsonPath().getList("");
        assertTrue(events.stream().anyMatch(e -> {
            @SuppressWarnings("unchecked")
            Map<String, String> d = (Map<String, String>) e.get("details");
            return d != null && endedSid.equals(d.get("ended_session")) && reason.equals(d.get("reason"))
                    && "2".equals(d.get("limit")) && "realm".equals(d.get("policy"));
        }), "no " + ReleaseCompatibilityIT.SESSION_ENDED_EVENT + " event for " + endedSid + " in " + events);
    }

    @Test
    void offlineSessionsCountOnlyWhenConfigured() {
        LimitedClient counting = LimitedClient.create(env, REALM, "offline-on",
                Map.of("realmLimit", "1", "countOfflineSessions", "true"));
        LimitedClient ignoring = LimitedClient.create(env, REALM, "offline-off", Map.of("realmLimit", "1"));
        String user = newUser("offline");
        Response offline = io.restassured.RestAssured.given().formParam("grant_type", "password")
                .formParam("client_id", counting.clientId()).formParam("username", user)
                .formParam("password", PASSWORD).formParam("scope", "openid offline_access")
                .post(Tokens.tokenEndpoint(env.baseUrl(), REALM));
        assertEquals(200, offline.statusCode(), offline.asString());
        assertEquals("Offline", Tokens.claims(offline.jsonPath().getString("refresh_token")).get("typ"));
        // Ends the online sessions; the offline session stays.
        env.admin().request().post("/admin/realms/{realm}/users/{id}/logout", REALM, userId(user)).then().statusCode(204);
        assertEquals(List.of(), sessionIds(user));

        assertEquals(0, counting.loginsAllowed(user, PASSWORD, 2), "the offline session takes the only slot");
        assertEquals(1, ignoring.loginsAllowed(user, PASSWORD, 2), "offline sessions are not counted by default");
    }

    @Test
    void pendingRequiredActionsDoNotBypassTheLimit() {
        LimitedClient client = LimitedClient.create(env, REALM, "req-action", Map.of("realmLimit", "1"));
        String user = newUser("req-action");
        client.login(user, PASSWORD);
        Map<String, Object> representation = env.admin().request()
                .get("/admin/realms/{realm}/users/{id}", REALM, userId(user)).then().extract().as(Map.class);
        representation.put("requiredActions", List.of("UPDATE_PROFILE"));
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", REALM, userId(user))
                .then().statusCode(204);

        BrowserSession browser = new BrowserSession(env.baseUrl());
        BrowserSession.Outcome outcome = browser.submitCredentials(
                browser.openLoginPage(REALM, client.clientId(), client.redirectUri()), user, PASSWORD);
        assertEquals(403, outcome.status(), "the limit applies before the required action: " + outcome.body());
        assertTrue(outcome.body().contains("maximum number of active sessions"));
        assertEquals(1, sessionIds(user).size());
    }

    @Test
    void reauthenticationInsideTheSsoSessionIsNotANewSession() {
        LimitedClient client = LimitedClient.create(env, REALM, "reauth", Map.of("realmLimit", "1"));
        String user = newUser("reauth");
        BrowserSession browser = new BrowserSession(env.baseUrl());
        Map<String, Object> tokens = browser.login(REALM, client.clientId(), client.redirectUri(), user, PASSWORD);

        BrowserSession.LoginPage again = browser.openLoginPage(REALM, client.clientId(), client.redirectUri(),
                Map.of("prompt", "login"));
        BrowserSession.Outcome outcome = browser.submitCredentials(again, user, PASSWORD);
        assertNotNull(outcome.code(), "re-authentication passes at the limit: " + outcome.status() + " " + outcome.body());
        Map<String, Object> reauthenticated = browser.exchangeCode(again, outcome.code());
        assertEquals(sid(tokens), sid(reauthenticated), "the same session");
        assertEquals(List.of(sid(tokens)), sessionIds(user));
    }

    @Test
    void raceOfThirtyParallelLoginsNeverLeavesMoreThanTheLimit() throws Exception {
        String realm = RaceRealm.create(env.admin());
        LimitedClient client = LimitedClient.create(env.admin(), env.baseUrl(), realm, "race", Map.of("realmLimit", "3"),
                Map.of());
        String user = KeycloakAdmin.uniqueUsername("race");
        String id = env.admin().createUser(realm, user, PASSWORD);
        for (int round = 1; round <= 5; round++) {
            ParallelLogins.Result result = ParallelLogins.run(30, () -> client.passwordGrant(user, PASSWORD));
            List<Object> sessions = RaceRealm.sessionIds(env.admin(), realm, id);
            assertTrue(sessions.size() <= 3, "round " + round + ": " + sessions.size() + " sessions, " + result);
            assertEquals(3, result.succeeded(), "round " + round + ": " + result);
            assertEquals(27, result.refusedByLimit(), "round " + round + ": " + result);
            env.admin().request().post("/admin/realms/{realm}/users/{id}/logout", realm, id).then().statusCode(204);
        }
    }

}
