package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.contract.RevocationKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python package end to end (issue 23, item 5): the wheel {@code python -m build} makes, installed into a fresh
 * virtual environment, running the README's FastAPI quick start under uvicorn (two workers, each with its own
 * follower), configured by environment variables only, against the suite's Keycloak and Redis.
 *
 * <p>A scratch realm with a 10 s access-token lifespan and a client whose tokens live 600 s: every user signs in with
 * that client, so every revocation must outlive the realm's lifespan. App A fails open (the default), app B fails
 * closed with a 4 s stale bound, app C starts only after Redis came back empty.
 */
@ExtendWith(KeycloakGuardExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FastApiClientIT {

    static final String PASSWORD = "Correct-horse-42";
    static final String CLIENT = "long-cli";
    static final int REALM_LIFESPAN = 10;
    static final int CLIENT_LIFESPAN = 600;
    /** The contract's skew: a record lives until its covered tokens' lifetime plus this (docs/revocation-contract.md). */
    static final int SKEW = 60;

    static String realm;
    static PythonPackage python;
    static PythonPackage.App failOpen;
    static PythonPackage.App failClosed;
    static PythonPackage.App startedLater;
    static User bystander;
    static User longLived;
    static long longLivedLogoutAt;

    record User(String id, String name, String accessToken, String refreshToken) {
    }

    @BeforeAll
    static void realmAndApps(GuardEnvironment env) throws Exception {
        assumeTrue(PythonPackage.venvAvailable(), "needs python3 with venv and ensurepip (Debian: python3-venv)");
        realm = "py-" + KeycloakAdmin.uniqueUsername("fastapi");
        Map<String, Object> client = new HashMap<>(Map.of("clientId", CLIENT, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", false,
                "attributes", Map.of("access.token.lifespan", String.valueOf(CLIENT_LIFESPAN)),
                "protocolMappers", List.of(Map.of("name", "audience my-api", "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper", "config", Map.of(
                                "included.custom.audience", "my-api", "access.token.claim", "true",
                                "id.token.claim", "false")))));
        env.admin().request().body(Map.of("realm", realm, "enabled", true, "sslRequired", "none",
                        "accessTokenLifespan", REALM_LIFESPAN, "eventsListeners", List.of("guard-revocation"),
                        "adminEventsEnabled", true, "clients", List.of(client)))
                .post("/admin/realms").then().statusCode(201);

        python = PythonPackage.buildAndInstall();
        failOpen = python.start("fail-open", environment(env, Map.of()), 2);
        failClosed = python.start("fail-closed", environment(env, Map.of(
                "KEYCLOAK_GUARD_FAIL_CLOSED", "true", "KEYCLOAK_GUARD_STALE_AFTER", "4")), 1);

        bystander = login(env, "bystander");
        assertAccepted(failOpen, bystander, "the bystander signs in");

        // The client's tokens live 600 s on a realm whose own lifespan is 10 s: the logout must cover them as long.
        longLived = login(env, "long-lived");
        assertAccepted(failOpen, longLived, "a 600 s token is accepted");
        longLivedLogoutAt = System.currentTimeMillis() / 1000;
        Tokens.logout(env.baseUrl(), realm, CLIENT, longLived.refreshToken);
        awaitRejected(failOpen, longLived, "the long-lived token's logout");
    }

    static Map<String, String> environment(GuardEnvironment env, Map<String, String> more) {
        Map<String, String> variables = new HashMap<>(Map.of(
                "KEYCLOAK_GUARD_ISSUER", env.baseUrl() + "/realms/" + realm,
                "KEYCLOAK_GUARD_REALM", realm,
                "KEYCLOAK_GUARD_AUDIENCE", "my-api",
                "KEYCLOAK_GUARD_REDIS_URL", env.redis().url(),
                "KEYCLOAK_GUARD_KEY_PREFIX", env.keyPrefix()));
        variables.putAll(more);
        return variables;
    }

    @AfterAll
    static void stop(GuardEnvironment env) {
        for (PythonPackage.App app : new PythonPackage.App[] {failOpen, failClosed, startedLater}) {
            if (app != null) {
                app.close();
            }
        }
        if (realm != null) {
            env.admin().request().delete("/admin/realms/{realm}", realm);
        }
    }

    static User login(GuardEnvironment env, String hint) {
        String name = KeycloakAdmin.uniqueUsername(hint);
        String id = env.admin().createUser(realm, name, PASSWORD);
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), realm, CLIENT, name, PASSWORD);
        return new User(id, name, (String) tokens.get("access_token"), (String) tokens.get("refresh_token"));
    }

    static void assertAccepted(PythonPackage.App app, User user, String step) {
        HttpResponse<String> response = app.get("/api/me", user.accessToken);
        assertEquals(200, response.statusCode(), step + ": " + app.name + " answered " + response.body() + " "
                + response.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    /** 401 because the token is revoked (not because it expired or is invalid). */
    static boolean revoked(PythonPackage.App app, User user) {
        HttpResponse<String> response = app.get("/api/me", user.accessToken);
        return response.statusCode() == 401 && response.headers().firstValue("WWW-Authenticate").orElse("")
                .contains("error_description=\"token revoked\"");
    }

    static void awaitRejected(PythonPackage.App app, User user, String step) {
        Await.until(() -> revoked(app, user), Duration.ofSeconds(15), step + " reaches " + app.name
                + " (last answer " + app.get("/api/me", user.accessToken).statusCode() + "; " + app.healthBody() + ")");
    }

    static void assertBystanderAccepted() {
        assertAccepted(failOpen, bystander, "an untouched user stays accepted");
    }

    @Test
    @Order(1)
    void signInThenLogout(GuardEnvironment env) {
        List<String> failClosedProblems = new ArrayList<>();
        User user = login(env, "logout");
        assertAccepted(failOpen, user, "signed in");
        expect(failClosedProblems, () -> failClosed.me(user.accessToken) == 200, Duration.ofSeconds(15),
                "the fail-closed app (fresh feed) accepts the signed-in user");
        Tokens.logout(env.baseUrl(), realm, CLIENT, user.refreshToken);
        awaitRejected(failOpen, user, "logout");
        expect(failClosedProblems, () -> revoked(failClosed, user), Duration.ofSeconds(15),
                "the fail-closed app rejects the logged-out user's token as revoked");
        assertBystanderAccepted();
        assertTrue(failClosedProblems.isEmpty(), String.join("\n", failClosedProblems));
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void adminDisablesTheUser(GuardEnvironment env) {
        User user = login(env, "disabled");
        assertAccepted(failOpen, user, "signed in");
        Map<String, Object> representation = env.admin().request().get("/admin/realms/{realm}/users/{id}", realm, user.id)
                .then().statusCode(200).extract().as(Map.class);
        representation.put("enabled", false);
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", realm, user.id)
                .then().statusCode(204);
        awaitRejected(failOpen, user, "admin disables the user");
        assertBystanderAccepted();
    }

    @Test
    @Order(3)
    void rfc7009RevocationOfTheAccessToken(GuardEnvironment env) {
        User user = login(env, "rfc7009");
        assertAccepted(failOpen, user, "signed in");
        given().formParam("client_id", CLIENT).formParam("token", user.accessToken)
                .formParam("token_type_hint", "access_token")
                .post(env.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/revoke")
                .then().statusCode(200);
        awaitRejected(failOpen, user, "RFC 7009 revocation");
        assertBystanderAccepted();
    }

    @Test
    @Order(4)
    void redisRestartedWithItsDataLost(GuardEnvironment env) throws Exception {
        assumeTrue(env.redis().isPrivate(), "needs a Redis the suite may stop");
        User user = login(env, "amnesia");
        Tokens.logout(env.baseUrl(), realm, CLIENT, user.refreshToken);
        awaitRejected(failOpen, user, "logout before the restart");

        env.redis().stop();
        env.redis().start(); // the suite's private Redis keeps nothing on disk: it comes back empty

        // An app that starts now knows only what the pack republishes.
        startedLater = python.start("started-later", environment(env, Map.of()), 1);
        awaitRejected(startedLater, user, "the pack republishes the logout to the empty Redis");
        awaitRejected(startedLater, longLived, "the pack republishes the long-lived token's logout");
        assertTrue(revoked(failOpen, user), "the running app keeps what it knew");
        assertAccepted(startedLater, bystander, "an untouched user stays accepted after the republish");
        assertBystanderAccepted();
    }

    @Test
    @Order(5)
    void redisStoppedThenBack(GuardEnvironment env) {
        assumeTrue(env.redis().isPrivate(), "needs a Redis the suite may stop");
        // The fail-open app's steps and the fail-closed app's are checked in the same outage; the fail-closed app's
        // findings are collected and reported at the end, so that one does not hide the other.
        List<String> failClosedProblems = new ArrayList<>();
        User early = login(env, "outage-early");
        User late = login(env, "outage-late");
        User afterOutage = login(env, "after-outage");
        assertAccepted(failOpen, early, "signed in");
        expect(failClosedProblems, () -> failClosed.me(bystander.accessToken) == 200, Duration.ofSeconds(15),
                "the fail-closed app is fresh before the outage");

        env.redis().stop();
        try {
            // A logout early in the outage (it has long waited in the outbox when Redis returns) ...
            Tokens.logout(env.baseUrl(), realm, CLIENT, early.refreshToken);
            // Fail-closed: once the feed is older than its bound (4 s), every token is rejected.
            expect(failClosedProblems, () -> failClosed.me(bystander.accessToken) == 401, Duration.ofSeconds(20),
                    "the fail-closed app rejects every token once its feed is stale");
            expect(failClosedProblems, () -> failClosed.health() == 503, Duration.ZERO,
                    "the fail-closed app is out of service while stale");
            // Fail-open: answers from what it knew, and stays in service.
            assertBystanderAccepted();
            assertEquals(200, failOpen.health(), "a fail-open app stays in service: " + failOpen.healthBody());
            // The documented window: a fail-open app cannot know about a revocation Redis never got.
            assertAccepted(failOpen, early, "a logout during the outage is unknown to a fail-open app");
            // ... and one right before Redis returns.
            Tokens.logout(env.baseUrl(), realm, CLIENT, late.refreshToken);
        } finally {
            env.redis().start();
        }
        long back = System.currentTimeMillis();
        // When Keycloak delivered each (its record appears in Redis) and when the app rejects it, to tell which side
        // is late if one is.
        String records = new RevocationKeys(env.keyPrefix(), realm).records();
        Map<User, long[]> times = new LinkedHashMap<>();  // {delivered, rejected} ms after Redis answered
        times.put(early, new long[] {-1, -1});
        times.put(late, new long[] {-1, -1});
        try (RedisClient redis = RedisClient.create(env.redis().url())) {
            Await.until(() -> {
                long now = System.currentTimeMillis() - back;
                times.forEach((user, t) -> {
                    if (t[0] < 0 && redis.hexists(records, "session:" + Tokens.claims(user.accessToken).get("sid"))) {
                        t[0] = now;
                    }
                    if (t[1] < 0 && revoked(failOpen, user)) {
                        t[1] = System.currentTimeMillis() - back;
                    }
                });
                return times.values().stream().allMatch(t -> t[1] >= 0);
            }, Duration.ofSeconds(30), "the logouts made during the outage reach the app once Redis is back ("
                    + failOpen.healthBody() + ")");
        }
        String report = "logouts made during the outage, after Redis answered again: early in the outage: delivered "
                + "to Redis after " + times.get(early)[0] + " ms, rejected by the app after " + times.get(early)[1]
                + " ms; right before Redis returned: delivered after " + times.get(late)[0] + " ms, rejected after "
                + times.get(late)[1] + " ms (issue 23 asks for 1 s)";
        System.out.println("[FastApiClientIT] " + report);
        assertTrue(times.values().stream().allMatch(t -> t[1] <= 1000), report);

        Tokens.logout(env.baseUrl(), realm, CLIENT, afterOutage.refreshToken);
        awaitRejected(failOpen, afterOutage, "a logout after the outage");
        assertBystanderAccepted();
        expect(failClosedProblems, () -> failClosed.me(bystander.accessToken) == 200, Duration.ofSeconds(15),
                "the fail-closed app accepts again once its feed is fresh");
        expect(failClosedProblems, () -> revoked(failClosed, early) && revoked(failClosed, late), Duration.ZERO,
                "the fail-closed app rejects the logouts made during the outage as revoked");
        assertTrue(failClosedProblems.isEmpty(), String.join("\n", failClosedProblems));
    }

    private static void expect(List<String> problems, BooleanSupplier condition, Duration within, String what) {
        try {
            Await.until(condition, within, what);
        } catch (AssertionError e) {
            problems.add(e.getMessage() + " (" + failClosed.healthBody() + ")");
        }
    }

    @Test
    @Order(6)
    void aClientsLongerLifespanIsCoveredPastTheRealmsLifespan() {
        // Past the realm's lifespan plus the skew (when a record sized by the realm alone would be gone), while the
        // token itself is still valid: the app must still reject it as revoked, not as expired.
        long until = longLivedLogoutAt + REALM_LIFESPAN + SKEW + 5;
        long wait = until - System.currentTimeMillis() / 1000;
        if (wait > 0) {
            Await.sleep(Duration.ofSeconds(wait));
        }
        assertTrue(revoked(failOpen, longLived), "the 600 s token is still revoked "
                + (System.currentTimeMillis() / 1000 - longLivedLogoutAt) + " s after its logout: "
                + failOpen.get("/api/me", longLived.accessToken).headers().firstValue("WWW-Authenticate").orElse(""));
        if (startedLater != null) {
            assertTrue(revoked(startedLater, longLived), "also where it was learnt from the republished feed");
        }
        assertBystanderAccepted();
    }
}
