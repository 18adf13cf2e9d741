package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.contract.RevocationKeys;
import redis.clients.jedis.RedisClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The end-to-end scenario of issue 23 (item 5) for any resource-server package: a real app built from the package's
 * quick start, configured by the {@code KEYCLOAK_GUARD_*} variables every package reads, against the suite's Keycloak
 * and Redis. A test class gives it an {@link AppLauncher} for its stack and calls the steps in order
 * ({@link #start}, then the step methods, then {@link #close}); see ExpressClientIT.
 *
 * <p>What an app under test must do: {@code GET /api/me} (or {@link AppUnderTest#protectedPath()}) answers 200 with a
 * valid, unrevoked access token, and 401 with an RFC 6750 {@code WWW-Authenticate: Bearer … error="invalid_token",
 * error_description="…revoked…"} for a revoked one (another 401, e.g. for an expired token or while a fail-closed
 * feed is stale, must not say "revoked"); its health path answers 200 while it serves, 503 when it does not (not
 * loaded yet, or failing closed on a stale feed).
 *
 * <p>A scratch realm with a 10 s access-token lifespan and a client whose tokens live 600 s (with an audience mapper
 * for {@value #AUDIENCE}): every user signs in with that client, so every revocation must outlive the realm's
 * lifespan. App "fail-open" has the defaults, app "fail-closed" fails closed with a 4 s stale bound, app
 * "started-later" starts after Redis came back empty.
 */
final class ResourceServerScenario implements AutoCloseable {

    /** One running instance of the app under test. */
    interface AppUnderTest extends AutoCloseable {
        String name();

        /** e.g. {@code http://127.0.0.1:40123} */
        String baseUrl();

        /** The route the package protects: 200 for a valid, unrevoked token. */
        default String protectedPath() {
            return "/api/me";
        }

        /** 200 while the app serves, 503 while it cannot (the package's health endpoint). */
        String healthPath();

        /** The end of the app's output, for failure messages. */
        String logTail();

        /** Stops the app. */
        @Override
        void close();
    }

    /** Starts an instance of the app under test, configured by these {@code KEYCLOAK_GUARD_*} settings, and waits until it serves. */
    @FunctionalInterface
    interface AppLauncher {
        AppUnderTest start(String name, Map<String, String> settings) throws Exception;
    }

    static final String PASSWORD = "Correct-horse-42";
    static final String CLIENT = "long-cli";
    static final String AUDIENCE = "my-api";
    static final int REALM_LIFESPAN = 10;
    static final int CLIENT_LIFESPAN = 600;
    /** The pack's revocation clock-skew in the harness (KeycloakOptions: 5 s; 60 s in production). */
    static final int PACK_SKEW = 5;
    /** The fail-closed app's stale bound (KEYCLOAK_GUARD_STALE_AFTER). */
    static final int FAIL_CLOSED_STALE_AFTER = 4;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record User(String id, String name, String accessToken, String refreshToken) {
    }

    private final GuardEnvironment env;
    private final AppLauncher launcher;
    final String realm;
    private final List<AppUnderTest> apps = new ArrayList<>();
    AppUnderTest failOpen;
    AppUnderTest failClosed;
    AppUnderTest startedLater;
    User bystander;
    User longLived;
    long longLivedLogoutAt;

    private ResourceServerScenario(GuardEnvironment env, AppLauncher launcher, String realm) {
        this.env = env;
        this.launcher = launcher;
        this.realm = realm;
    }

    /**
     * Creates the scratch realm, starts the fail-open and fail-closed apps, signs in the bystander (who stays accepted
     * throughout) and logs out the long-lived user (checked at the end, past the realm's lifespan).
     */
    static ResourceServerScenario start(GuardEnvironment env, String hint, AppLauncher launcher) throws Exception {
        String realm = hint + "-" + KeycloakAdmin.uniqueUsername("rs");
        Map<String, Object> client = new HashMap<>(Map.of("clientId", CLIENT, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", false,
                "attributes", Map.of("access.token.lifespan", String.valueOf(CLIENT_LIFESPAN)),
                "protocolMappers", List.of(Map.of("name", "audience " + AUDIENCE, "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper", "config", Map.of(
                                "included.custom.audience", AUDIENCE, "access.token.claim", "true",
                                "id.token.claim", "false")))));
        env.admin().request().body(Map.of("realm", realm, "enabled", true, "sslRequired", "none",
                        "accessTokenLifespan", REALM_LIFESPAN, "eventsListeners", List.of("guard-revocation"),
                        "clients", List.of(client)))
                .post("/admin/realms").then().statusCode(201);
        ResourceServerScenario scenario = new ResourceServerScenario(env, launcher, realm);
        try {
            scenario.failOpen = scenario.launch("fail-open", Map.of());
            scenario.failClosed = scenario.launch("fail-closed", Map.of("KEYCLOAK_GUARD_FAIL_CLOSED", "true",
                    "KEYCLOAK_GUARD_STALE_AFTER", String.valueOf(FAIL_CLOSED_STALE_AFTER)));

            scenario.bystander = scenario.signIn("bystander");
            scenario.assertAccepted(scenario.failOpen, scenario.bystander, "the bystander signs in");

            // The client's tokens live 600 s on a realm whose own lifespan is 10 s: the logout must cover them as long.
            scenario.longLived = scenario.signIn("long-lived");
            scenario.assertAccepted(scenario.failOpen, scenario.longLived, "a 600 s token is accepted");
            scenario.longLivedLogoutAt = System.currentTimeMillis() / 1000;
            Tokens.logout(env.baseUrl(), realm, CLIENT, scenario.longLived.refreshToken());
            scenario.awaitRevoked(scenario.failOpen, scenario.longLived, "the long-lived token's logout");
        } catch (Exception | AssertionError e) {
            scenario.close();
            throw e;
        }
        return scenario;
    }

    /** The settings every app of this scenario gets, plus {@code more}. */
    Map<String, String> settings(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "KEYCLOAK_GUARD_ISSUER", env.baseUrl() + "/realms/" + realm,
                "KEYCLOAK_GUARD_REALM", realm,
                "KEYCLOAK_GUARD_AUDIENCE", AUDIENCE,
                "KEYCLOAK_GUARD_REDIS_URL", env.redis().url(),
                "KEYCLOAK_GUARD_KEY_PREFIX", env.keyPrefix()));
        settings.putAll(more);
        return settings;
    }

    private AppUnderTest launch(String name, Map<String, String> more) throws Exception {
        AppUnderTest app = launcher.start(name, settings(more));
        apps.add(app);
        return app;
    }

    // -- the steps -------------------------------------------------------------------------------------------------

    /** Sign in → 200 (both apps); logout → 401 revoked (both apps); the bystander stays 200. */
    void signInThenLogout() {
        List<String> failClosedProblems = new ArrayList<>();
        User user = signIn("logout");
        assertAccepted(failOpen, user, "signed in");
        expect(failClosedProblems, () -> status(failClosed, user) == 200, Duration.ofSeconds(15),
                "the fail-closed app (fresh feed) accepts the signed-in user");
        Tokens.logout(env.baseUrl(), realm, CLIENT, user.refreshToken());
        awaitRevoked(failOpen, user, "logout");
        expect(failClosedProblems, () -> revoked(failClosed, user), Duration.ofSeconds(15),
                "the fail-closed app rejects the logged-out user's token as revoked");
        assertBystanderAccepted();
        assertTrue(failClosedProblems.isEmpty(), String.join("\n", failClosedProblems));
    }

    /** An admin disables the user → 401. */
    @SuppressWarnings("unchecked")
    void adminDisablesTheUser() {
        User user = signIn("disabled");
        assertAccepted(failOpen, user, "signed in");
        Map<String, Object> representation = env.admin().request()
                .get("/admin/realms/{realm}/users/{id}", realm, user.id()).then().statusCode(200).extract().as(Map.class);
        representation.put("enabled", false);
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", realm, user.id())
                .then().statusCode(204);
        awaitRevoked(failOpen, user, "admin disables the user");
        assertBystanderAccepted();
    }

    /** RFC 7009 revocation of the access token → 401. */
    void rfc7009RevocationOfTheAccessToken() {
        User user = signIn("rfc7009");
        assertAccepted(failOpen, user, "signed in");
        given().formParam("client_id", CLIENT).formParam("token", user.accessToken())
                .formParam("token_type_hint", "access_token")
                .post(env.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/revoke")
                .then().statusCode(200);
        awaitRevoked(failOpen, user, "RFC 7009 revocation");
        assertBystanderAccepted();
    }

    /**
     * Redis restarted with its data lost → still 401 once the pack has republished: in the running app (it keeps what
     * it knew) and in an app started after the restart (it knows only what was republished).
     */
    void redisRestartedWithItsDataLost() throws Exception {
        assumeTrue(env.redis().isPrivate(), "needs a Redis the suite may stop");
        User user = signIn("amnesia");
        Tokens.logout(env.baseUrl(), realm, CLIENT, user.refreshToken());
        awaitRevoked(failOpen, user, "logout before the restart");

        env.redis().stop();
        env.redis().start(); // the suite's private Redis keeps nothing on disk: it comes back empty

        startedLater = launch("started-later", Map.of());
        awaitRevoked(startedLater, user, "the pack republishes the logout to the empty Redis");
        awaitRevoked(startedLater, longLived, "the pack republishes the long-lived token's logout");
        assertTrue(revoked(failOpen, user), "the running app keeps what it knew");
        assertAccepted(startedLater, bystander, "an untouched user stays accepted after the republish");
        assertBystanderAccepted();
    }

    /**
     * Redis stopped: the fail-open app answers from what it knew and stays in service (a logout made now is the
     * documented window); the fail-closed app rejects every token once its feed is stale, and is out of service.
     * Redis back: the revocation made during the outage is rejected as soon as Keycloak delivers it (the delay is
     * printed; only a generous bound is asserted), later ones as usual, and the fail-closed app serves again.
     */
    void redisStoppedThenBack() {
        assumeTrue(env.redis().isPrivate(), "needs a Redis the suite may stop");
        List<String> failClosedProblems = new ArrayList<>();
        User duringOutage = signIn("outage");
        User afterOutage = signIn("after-outage");
        assertAccepted(failOpen, duringOutage, "signed in");
        expect(failClosedProblems, () -> status(failClosed, bystander) == 200, Duration.ofSeconds(15),
                "the fail-closed app is fresh before the outage");

        env.redis().stop();
        long revokedWhileDown;
        try {
            expect(failClosedProblems, () -> status(failClosed, bystander) == 401, Duration.ofSeconds(20),
                    "the fail-closed app rejects every token once its feed is stale");
            expect(failClosedProblems, () -> health(failClosed) == 503, Duration.ofSeconds(5),
                    "the fail-closed app is out of service while stale");
            assertBystanderAccepted();
            assertEquals(200, health(failOpen), "a fail-open app stays in service: " + healthBody(failOpen));

            Tokens.logout(env.baseUrl(), realm, CLIENT, duringOutage.refreshToken());
            revokedWhileDown = System.currentTimeMillis();
            // The documented window: a fail-open app cannot know of a revocation Redis never got.
            assertAccepted(failOpen, duringOutage, "a logout during the outage is unknown to a fail-open app");
        } finally {
            env.redis().start();
        }
        long back = System.currentTimeMillis();
        // When Keycloak delivered it (the record appears in Redis) and when the app rejects it: which side is late. Redis
        // is watched from a thread of its own, so that a slow first connection there cannot delay the app's polling.
        String records = new RevocationKeys(env.keyPrefix(), realm).records();
        String entry = "session:" + Tokens.claims(duringOutage.accessToken()).get("sid");
        AtomicLong deliveredAfter = new AtomicLong(-1);
        Thread watcher = new Thread(() -> {
            try (RedisClient redis = RedisClient.create(env.redis().url())) {
                while (deliveredAfter.get() < 0 && !Thread.currentThread().isInterrupted()) {
                    try {
                        if (redis.hexists(records, entry)) {
                            deliveredAfter.set(System.currentTimeMillis() - back);
                        }
                    } catch (RuntimeException e) {
                        // Redis still starting: try again
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "delivery-watcher");
        watcher.setDaemon(true);
        watcher.start();
        try {
            Await.until(() -> revoked(failOpen, duringOutage), Duration.ofSeconds(30), "the logout made during the outage"
                    + " reaches " + failOpen.name() + " once Redis is back (" + healthBody(failOpen) + ")");
        } finally {
            watcher.interrupt();
        }
        long rejectedAfter = System.currentTimeMillis() - back;
        System.out.printf("[%s] the logout made %d ms before Redis came back: Keycloak delivered it %s, the app rejected it"
                        + " %d ms after Redis answered again%n", failOpen.name(), back - revokedWhileDown,
                deliveredAfter.get() < 0 ? "(not seen in Redis before the app rejected it)"
                        : deliveredAfter.get() + " ms after", rejectedAfter);
        assertTrue(rejectedAfter <= 10_000, "the logout made during the outage was rejected " + rejectedAfter
                + " ms after Redis answered again (Keycloak delivered it after " + deliveredAfter.get() + " ms)");

        Tokens.logout(env.baseUrl(), realm, CLIENT, afterOutage.refreshToken());
        awaitRevoked(failOpen, afterOutage, "a logout after the outage");
        assertBystanderAccepted();
        expect(failClosedProblems, () -> status(failClosed, bystander) == 200, Duration.ofSeconds(15),
                "the fail-closed app accepts again once its feed is fresh");
        expect(failClosedProblems, () -> revoked(failClosed, duringOutage), Duration.ofSeconds(5),
                "the fail-closed app rejects the logout made during the outage as revoked");
        expect(failClosedProblems, () -> health(failClosed) == 200, Duration.ofSeconds(5),
                "the fail-closed app is back in service");
        assertTrue(failClosedProblems.isEmpty(), String.join("\n", failClosedProblems));
    }

    /**
     * The client's longer lifespan: past the realm's lifespan plus the pack's skew (when a record sized by the realm
     * alone would be gone), while the token itself is still valid, the app still rejects it as revoked.
     */
    void aClientsLongerLifespanIsCoveredPastTheRealmsLifespan() {
        long until = longLivedLogoutAt + REALM_LIFESPAN + PACK_SKEW + 5;
        long wait = until - System.currentTimeMillis() / 1000;
        if (wait > 0) {
            Await.sleep(Duration.ofSeconds(wait));
        }
        assertTrue(revoked(failOpen, longLived), "the 600 s token is still revoked "
                + (System.currentTimeMillis() / 1000 - longLivedLogoutAt) + " s after its logout: "
                + describe(get(failOpen, failOpen.protectedPath(), longLived.accessToken())));
        if (startedLater != null) {
            assertTrue(revoked(startedLater, longLived), "also where it was learnt from the republished feed");
        }
        assertBystanderAccepted();
    }

    // -- helpers ---------------------------------------------------------------------------------------------------

    User signIn(String hint) {
        String name = KeycloakAdmin.uniqueUsername(hint);
        String id = env.admin().createUser(realm, name, PASSWORD);
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), realm, CLIENT, name, PASSWORD);
        return new User(id, name, (String) tokens.get("access_token"), (String) tokens.get("refresh_token"));
    }

    static HttpResponse<String> get(AppUnderTest app, String path, String accessToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        if (accessToken != null) {
            request.header("Authorization", "Bearer " + accessToken);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(app.name() + " did not answer " + path + " (" + app.logTail() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int status(AppUnderTest app, User user) {
        return get(app, app.protectedPath(), user.accessToken()).statusCode();
    }

    static int health(AppUnderTest app) {
        return get(app, app.healthPath(), null).statusCode();
    }

    static String healthBody(AppUnderTest app) {
        return app.name() + " health: " + get(app, app.healthPath(), null).body();
    }

    /** 401 because the token is revoked (not because it expired, is invalid, or the feed is stale). */
    static boolean revoked(AppUnderTest app, User user) {
        return isRevocation(get(app, app.protectedPath(), user.accessToken()));
    }

    static boolean isRevocation(HttpResponse<String> response) {
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        return response.statusCode() == 401 && challenge.contains("error=\"invalid_token\"")
                && challenge.matches("(?s).*error_description=\"[^\"]*revoked[^\"]*\".*");
    }

    static String describe(HttpResponse<String> response) {
        return response.statusCode() + " " + response.headers().firstValue("WWW-Authenticate").orElse("") + " " + response.body();
    }

    void assertAccepted(AppUnderTest app, User user, String step) {
        HttpResponse<String> response = get(app, app.protectedPath(), user.accessToken());
        assertEquals(200, response.statusCode(), step + ": " + app.name() + " answered " + describe(response));
    }

    void awaitRevoked(AppUnderTest app, User user, String step) {
        Await.until(() -> revoked(app, user), Duration.ofSeconds(15), step + " reaches " + app.name()
                + " (last answer " + describe(get(app, app.protectedPath(), user.accessToken())) + "; "
                + healthBody(app) + ")");
    }

    void assertBystanderAccepted() {
        assertAccepted(failOpen, bystander, "an untouched user stays accepted");
    }

    /** Like Await.until, but collects the failure, so that the fail-closed app's findings do not hide the others. */
    private void expect(List<String> problems, BooleanSupplier condition, Duration within, String what) {
        try {
            Await.until(condition, within, what);
        } catch (AssertionError e) {
            problems.add(e.getMessage() + " (" + healthBody(failClosed) + "; " + failClosed.logTail() + ")");
        }
    }

    @Override
    public void close() {
        for (AppUnderTest app : apps) {
            app.close();
        }
        env.admin().request().delete("/admin/realms/{realm}", realm);
    }
}
