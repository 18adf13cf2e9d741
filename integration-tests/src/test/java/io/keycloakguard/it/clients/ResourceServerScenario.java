package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.contract.RevocationKeys;
import redis.clients.jedis.UnifiedJedis;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The end-to-end scenario of issue 23 (item 5) for any resource server: a real application on a real port, real
 * bearer tokens from the suite's Keycloak, the suite's Redis. The framework specifics (how to launch the app, what
 * its 401 for a revoked token says, its health endpoint) come in through {@link AppUnderTest} and {@link Launcher};
 * the steps are the same for every client.
 *
 * <p>A scratch realm with a 10 s access-token lifespan and a client whose tokens live 600 s: every user signs in with
 * that client, so every revocation must outlive the realm's lifespan. App "fail-open" runs with the defaults, app
 * "fail-closed" fails closed with a 4 s stale bound, app "started-later" starts only after Redis came back empty.
 * The steps are meant to run in the order of their methods.
 */
final class ResourceServerScenario implements AutoCloseable {

    /** A running resource server with {@code GET /api/me} behind the bearer-token check. */
    interface AppUnderTest extends AutoCloseable {
        String name();

        /** {@code GET /api/me} with {@code Authorization: Bearer <accessToken>}. */
        HttpResponse<String> me(String accessToken);

        /** Whether a response says "401 because the token is revoked" (not expired, not invalid). */
        boolean saysRevoked(HttpResponse<String> response);

        /** The HTTP status of the app's readiness/health endpoint. */
        int health();

        String healthBody();

        @Override
        void close();
    }

    /** Starts an app configured by the cross-language KEYCLOAK_GUARD_* variables. */
    interface Launcher {
        AppUnderTest start(String name, Map<String, String> variables);
    }

    static final String PASSWORD = "Correct-horse-42";
    static final String CLIENT = "long-cli";
    static final String AUDIENCE = "my-api";
    static final int REALM_LIFESPAN = 10;
    static final int CLIENT_LIFESPAN = 600;
    /** The contract's skew: a record lives until its covered tokens' lifetime plus this (docs/revocation-contract.md). */
    static final int SKEW = 60;
    /** Revocations made during an outage must reach the app this soon after Redis answers again (issue 23: 1 s). */
    static final Duration AFTER_OUTAGE_BOUND = Duration.ofSeconds(10);

    record User(String id, String name, String accessToken, String refreshToken) {
    }

    private final GuardEnvironment env;
    private final Launcher launcher;
    final String realm;
    AppUnderTest failOpen;
    AppUnderTest failClosed;
    AppUnderTest startedLater;
    User bystander;
    User longLived;
    long longLivedLogoutAt;
    /** Measured in {@link #redisStoppedThenBack()}: ms from Redis answering again until the app rejected. */
    long outageRevocationDelayMillis = -1;

    ResourceServerScenario(GuardEnvironment env, String realmHint, Launcher launcher) {
        this.env = env;
        this.launcher = launcher;
        this.realm = realmHint + "-" + KeycloakAdmin.uniqueUsername("rs");
    }

    /** The realm, the two apps, an untouched user, and the logout of a token that lives past the realm's lifespan. */
    void setUp() {
        createRealm();
        failOpen = launcher.start("fail-open", variables(Map.of()));
        failClosed = launcher.start("fail-closed", variables(Map.of(
                "KEYCLOAK_GUARD_FAIL_CLOSED", "true", "KEYCLOAK_GUARD_STALE_AFTER", "4")));

        bystander = login("bystander");
        assertAccepted(failOpen, bystander, "the bystander signs in");

        // The client's tokens live 600 s on a realm whose own lifespan is 10 s: the logout must cover them as long.
        longLived = login("long-lived");
        assertAccepted(failOpen, longLived, "a 600 s token is accepted");
        longLivedLogoutAt = System.currentTimeMillis() / 1000;
        Tokens.logout(env.baseUrl(), realm, CLIENT, longLived.refreshToken);
        awaitRejected(failOpen, longLived, "the long-lived token's logout");
    }

    /** The scratch realm: 10 s access tokens, client {@value #CLIENT} with 600 s tokens for audience {@value #AUDIENCE}. */
    void createRealm() {
        Map<String, Object> client = new HashMap<>(Map.of("clientId", CLIENT, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", false,
                "attributes", Map.of("access.token.lifespan", String.valueOf(CLIENT_LIFESPAN)),
                "protocolMappers", List.of(Map.of("name", "audience " + AUDIENCE, "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper", "config", Map.of(
                                "included.custom.audience", AUDIENCE, "access.token.claim", "true",
                                "id.token.claim", "false")))));
        env.admin().request().body(Map.of("realm", realm, "enabled", true, "sslRequired", "none",
                        "accessTokenLifespan", REALM_LIFESPAN, "eventsListeners", List.of("guard-revocation"),
                        "adminEventsEnabled", true, "clients", List.of(client)))
                .post("/admin/realms").then().statusCode(201);
    }

    Map<String, String> variables(Map<String, String> more) {
        Map<String, String> variables = new HashMap<>(Map.of(
                "KEYCLOAK_GUARD_ISSUER", env.baseUrl() + "/realms/" + realm,
                "KEYCLOAK_GUARD_REALM", realm,
                "KEYCLOAK_GUARD_AUDIENCE", AUDIENCE,
                "KEYCLOAK_GUARD_REDIS_URL", env.redis().url(),
                "KEYCLOAK_GUARD_KEY_PREFIX", env.keyPrefix()));
        variables.putAll(more);
        return variables;
    }

    User login(String hint) {
        String name = KeycloakAdmin.uniqueUsername(hint);
        String id = env.admin().createUser(realm, name, PASSWORD);
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), realm, CLIENT, name, PASSWORD);
        return new User(id, name, (String) tokens.get("access_token"), (String) tokens.get("refresh_token"));
    }

    static void assertAccepted(AppUnderTest app, User user, String step) {
        HttpResponse<String> response = app.me(user.accessToken);
        assertEquals(200, response.statusCode(), step + ": " + app.name() + " answered " + response.body() + " "
                + response.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    static boolean revoked(AppUnderTest app, User user) {
        return app.saysRevoked(app.me(user.accessToken));
    }

    static void awaitRejected(AppUnderTest app, User user, String step) {
        Await.until(() -> revoked(app, user), Duration.ofSeconds(15), step + " reaches " + app.name()
                + " (last answer " + describe(app.me(user.accessToken)) + "; health " + app.healthBody() + ")");
    }

    static String describe(HttpResponse<String> response) {
        return response.statusCode() + " " + response.headers().firstValue("WWW-Authenticate").orElse("");
    }

    void assertBystanderAccepted() {
        assertAccepted(failOpen, bystander, "an untouched user stays accepted");
    }

    /** Sign in → 200; logout → 401 (both apps). */
    void signInThenLogout() {
        List<String> failClosedProblems = new ArrayList<>();
        User user = login("logout");
        assertAccepted(failOpen, user, "signed in");
        expect(failClosedProblems, () -> failClosed.me(user.accessToken).statusCode() == 200, Duration.ofSeconds(15),
                "the fail-closed app (fresh feed) accepts the signed-in user");
        Tokens.logout(env.baseUrl(), realm, CLIENT, user.refreshToken);
        awaitRejected(failOpen, user, "logout");
        expect(failClosedProblems, () -> revoked(failClosed, user), Duration.ofSeconds(15),
                "the fail-closed app rejects the logged-out user's token as revoked");
        assertBystanderAccepted();
        assertTrue(failClosedProblems.isEmpty(), String.join("\n", failClosedProblems));
    }

    @SuppressWarnings("unchecked")
    void adminDisablesTheUser() {
        User user = login("disabled");
        assertAccepted(failOpen, user, "signed in");
        Map<String, Object> representation = env.admin().request().get("/admin/realms/{realm}/users/{id}", realm, user.id)
                .then().statusCode(200).extract().as(Map.class);
        representation.put("enabled", false);
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", realm, user.id)
                .then().statusCode(204);
        awaitRejected(failOpen, user, "admin disables the user");
        assertBystanderAccepted();
    }

    void rfc7009RevocationOfTheAccessToken() {
        User user = login("rfc7009");
        assertAccepted(failOpen, user, "signed in");
        given().formParam("client_id", CLIENT).formParam("token", user.accessToken)
                .formParam("token_type_hint", "access_token")
                .post(env.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/revoke")
                .then().statusCode(200);
        awaitRejected(failOpen, user, "RFC 7009 revocation");
        assertBystanderAccepted();
    }

    /** Redis restarted with its data lost: still 401 once the pack republishes, also in an app started afterwards. */
    void redisRestartedWithItsDataLost() {
        assumeTrue(env.redis().isPrivate(), "needs a Redis the suite may stop");
        User user = login("amnesia");
        Tokens.logout(env.baseUrl(), realm, CLIENT, user.refreshToken);
        awaitRejected(failOpen, user, "logout before the restart");

        env.redis().stop();
        env.redis().start(); // the suite's private Redis keeps nothing on disk: it comes back empty

        // An app that starts now knows only what the pack republishes.
        startedLater = launcher.start("started-later", variables(Map.of()));
        awaitRejected(startedLater, user, "the pack republishes the logout to the empty Redis");
        awaitRejected(startedLater, longLived, "the pack republishes the long-lived token's logout");
        assertTrue(revoked(failOpen, user), "the running app keeps what it knew");
        assertAccepted(startedLater, bystander, "an untouched user stays accepted after the republish");
        assertBystanderAccepted();
    }

    /**
     * Redis stopped: the fail-open app answers from what it knew and stays in service, the fail-closed app rejects
     * every token once its feed is older than its bound and is out of service. Redis back: the logout made during
     * the outage is rejected promptly (the delay is measured and printed), later ones as usual.
     */
    void redisStoppedThenBack() {
        assumeTrue(env.redis().isPrivate(), "needs a Redis the suite may stop");
        List<String> failClosedProblems = new ArrayList<>();
        User duringOutage = login("outage");
        User afterOutage = login("after-outage");
        assertAccepted(failOpen, duringOutage, "signed in");
        expect(failClosedProblems, () -> failClosed.me(bystander.accessToken).statusCode() == 200,
                Duration.ofSeconds(15), "the fail-closed app is fresh before the outage");

        env.redis().stop();
        long revokedWhileDown;
        try {
            expect(failClosedProblems, () -> failClosed.me(bystander.accessToken).statusCode() == 401,
                    Duration.ofSeconds(20), "the fail-closed app rejects every token once its feed is stale");
            expect(failClosedProblems, () -> failClosed.health() == 503, Duration.ofSeconds(5),
                    "the fail-closed app is out of service while stale");
            assertBystanderAccepted();
            assertEquals(200, failOpen.health(), "a fail-open app stays in service: " + failOpen.healthBody());

            Tokens.logout(env.baseUrl(), realm, CLIENT, duringOutage.refreshToken);
            revokedWhileDown = System.currentTimeMillis();
            // The documented window: a fail-open app cannot know about a revocation Redis never got.
            assertAccepted(failOpen, duringOutage, "a logout during the outage is unknown to a fail-open app");
        } finally {
            env.redis().start();
        }
        long back = System.currentTimeMillis();
        // When Keycloak delivered it (the record appears in Redis) and when the app rejects it, to tell which side
        // is late if one is.
        String records = new RevocationKeys(env.keyPrefix(), realm).records();
        String entry = "session:" + Tokens.claims(duringOutage.accessToken).get("sid");
        long[] deliveredAfter = {-1};
        try (UnifiedJedis redis = new UnifiedJedis(URI.create(env.redis().url()))) {
            Await.until(() -> {
                if (deliveredAfter[0] < 0 && redis.hexists(records, entry)) {
                    deliveredAfter[0] = System.currentTimeMillis() - back;
                }
                return revoked(failOpen, duringOutage);
            }, Duration.ofSeconds(30), "the logout made during the outage reaches the app once Redis is back ("
                    + failOpen.healthBody() + ")");
        }
        outageRevocationDelayMillis = System.currentTimeMillis() - back;
        String measured = failOpen.name() + ": the logout made during the outage (" + (back - revokedWhileDown)
                + " ms before Redis came back) was rejected " + outageRevocationDelayMillis + " ms after Redis answered"
                + " again (" + (deliveredAfter[0] < 0 ? "its record was seen in Redis only after that"
                : "Keycloak delivered it to Redis after " + deliveredAfter[0] + " ms") + ")";
        System.out.println("[ResourceServerScenario] " + measured);
        assertTrue(outageRevocationDelayMillis <= AFTER_OUTAGE_BOUND.toMillis(), measured);

        Tokens.logout(env.baseUrl(), realm, CLIENT, afterOutage.refreshToken);
        awaitRejected(failOpen, afterOutage, "a logout after the outage");
        assertBystanderAccepted();
        expect(failClosedProblems, () -> failClosed.me(bystander.accessToken).statusCode() == 200,
                Duration.ofSeconds(15), "the fail-closed app accepts again once its feed is fresh");
        expect(failClosedProblems, () -> revoked(failClosed, duringOutage), Duration.ofSeconds(5),
                "the fail-closed app rejects the logout made during the outage as revoked");
        expect(failClosedProblems, () -> failClosed.health() == 200, Duration.ofSeconds(5),
                "the fail-closed app is back in service");
        assertTrue(failClosedProblems.isEmpty(), String.join("\n", failClosedProblems));
    }

    /** Past the realm's lifespan plus the skew, the 600 s token is still rejected as revoked (not as expired). */
    void aClientsLongerLifespanIsCoveredPastTheRealmsLifespan() {
        long until = longLivedLogoutAt + REALM_LIFESPAN + SKEW + 5;
        long wait = until - System.currentTimeMillis() / 1000;
        if (wait > 0) {
            Await.sleep(Duration.ofSeconds(wait));
        }
        assertTrue(revoked(failOpen, longLived), "the 600 s token is still revoked "
                + (System.currentTimeMillis() / 1000 - longLivedLogoutAt) + " s after its logout: "
                + describe(failOpen.me(longLived.accessToken)));
        if (startedLater != null) {
            assertTrue(revoked(startedLater, longLived), "also where it was learnt from the republished feed");
        }
        assertBystanderAccepted();
    }

    private void expect(List<String> problems, BooleanSupplier condition, Duration within, String what) {
        try {
            Await.until(condition, within, what);
        } catch (AssertionError e) {
            problems.add(e.getMessage() + " (" + failClosed.healthBody() + ")");
        }
    }

    @Override
    public void close() {
        for (AppUnderTest app : new AppUnderTest[] {failOpen, failClosed, startedLater}) {
            if (app != null) {
                app.close();
            }
        }
        env.admin().request().delete("/admin/realms/{realm}", realm);
    }
}
