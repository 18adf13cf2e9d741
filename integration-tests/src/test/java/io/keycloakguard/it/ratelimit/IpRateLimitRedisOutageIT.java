package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static io.keycloakguard.it.ratelimit.RateLimitRealm.PASSWORD;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.WRONG;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.assertWrongPassword;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.isWrongPassword;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redis goes away: the rate limit fails open by default (logins go on, one warning in the log), and refuses
 * logins (503) where it is configured to fail closed; when Redis is back it limits again (one info line).
 */
@ExtendWith(KeycloakGuardExtension.class)
class IpRateLimitRedisOutageIT {

    static final String WARNING = "Redis unavailable; per-IP rate limit not enforced";
    static final String RECOVERY = "Redis reachable again; per-IP rate limit enforced again";

    @Test
    void failsOpenByDefaultAndClosedWhenConfiguredWhileRedisIsDown(GuardEnvironment env) {
        assumeTrue(env.redis().isPrivate(), "REDIS_URL names a Redis this suite did not start; it is never stopped");
        RateLimitRealm realm = RateLimitRealm.create(env.admin(), env.baseUrl());
        String user = realm.newUser("rl-outage");
        Map<String, String> limit = Map.of("maxFailures", "2", "window", "1h", "burstWindow", "0");
        RateLimitedClient open = realm.directGrant("open", limit);
        RateLimitedClient closed = realm.directGrant("closed", with(limit, "onRedisUnavailable", "deny"));
        RateLimitedClient closedBrowser = realm.browserForm("closed-browser", with(limit, "onRedisUnavailable", "deny"));

        String blockedBefore = RateLimitRealm.newAddress();
        for (int i = 0; i < 2; i++) {
            assertWrongPassword(open.passwordGrant(blockedBefore, user, WRONG));
        }
        assertEquals(429, open.passwordGrant(blockedBefore, user, PASSWORD).statusCode(), "the limit works");
        long warningsBefore = count(env, WARNING);
        long recoveriesBefore = count(env, RECOVERY);

        env.redis().stop();
        try {
            // Fail open: the block is not known while Redis is down, failures are not counted, nothing breaks.
            assertEquals(200, open.passwordGrant(blockedBefore, user, PASSWORD).statusCode());
            String address = RateLimitRealm.newAddress();
            for (int i = 0; i < 4; i++) {
                assertWrongPassword(open.passwordGrant(address, user, WRONG));
            }
            assertEquals(200, open.passwordGrant(address, user, PASSWORD).statusCode());

            Response refused = closed.passwordGrant(RateLimitRealm.newAddress(), user, PASSWORD);
            assertEquals(503, refused.statusCode(), refused.asString());
            assertEquals("temporarily_unavailable", refused.jsonPath().getString("error"));
            HttpResponse<String> page = new BrowserSession(env.baseUrl())
                    .header("X-Forwarded-For", RateLimitRealm.newAddress()).get(closedBrowser.authorizationUrl());
            assertEquals(503, page.statusCode(), page.body());
            assertTrue(page.body().contains("Sign-in is temporarily unavailable"), page.body());

            assertEquals(warningsBefore + 1, count(env, WARNING), "exactly one warning for the outage");
        } finally {
            env.redis().start();
        }

        // Once the pack's health check sees Redis again, the limit applies again, and the log says so once.
        String after = RateLimitRealm.newAddress();
        Await.until(() -> isWrongPassword(open.passwordGrant(after, user, WRONG))
                        && count(env, RECOVERY) > recoveriesBefore, Duration.ofSeconds(30),
                "the rate limit reaches Redis again");
        Await.until(() -> open.passwordGrant(after, user, WRONG).statusCode() == 429, Duration.ofSeconds(10),
                "failures are counted again");
        assertEquals(429, open.passwordGrant(after, user, PASSWORD).statusCode());
        assertEquals(recoveriesBefore + 1, count(env, RECOVERY));
        assertEquals(warningsBefore + 1, count(env, WARNING));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(base);
        all.put(key, value);
        return all;
    }

    private static long count(GuardEnvironment env, String text) {
        return env.keycloak().log().lines().filter(l -> l.contains(text)).count();
    }
}
