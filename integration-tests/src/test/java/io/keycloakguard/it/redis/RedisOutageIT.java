package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Redis goes away while Keycloak runs: logins go on, the status says so, one warning, then recovery. */
@ExtendWith(KeycloakGuardExtension.class)
class RedisOutageIT {

    static final String REALM = "guard-demo";
    static final Pattern UNREACHABLE = Pattern.compile("Redis at \\S+ is unreachable");
    static final Pattern BACK = Pattern.compile("Redis at \\S+ is reachable again");

    @Test
    void loginsGoOnWhileRedisIsDownAndThePackReconnects(GuardEnvironment env) {
        assumeTrue(env.redis().isPrivate(), "REDIS_URL names a Redis this suite did not start; it is never stopped");
        String username = KeycloakAdmin.uniqueUsername("outage");
        env.admin().createUser(REALM, username, "Correct-horse-42");
        assertTrue(status(env).getBoolean("redis.reachable"));
        long warningsBefore = count(env, UNREACHABLE);
        long recoveriesBefore = count(env, BACK);

        env.redis().stop();
        try {
            JsonPath down = status(env);
            assertFalse(down.getBoolean("redis.reachable"), down.prettify());
            assertNotNull(down.getString("redis.error"));

            for (int i = 0; i < 5; i++) {
                assertNotNull(Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42")
                        .get("access_token"));
                status(env);
            }
            // Health checks run every second; give them a few rounds to (not) log again.
            Await.sleep(Duration.ofSeconds(3));
            assertEquals(warningsBefore + 1, count(env, UNREACHABLE), "exactly one warning for the outage");
        } finally {
            env.redis().start();
        }

        waitFor(env, s -> s.getBoolean("redis.reachable"), Duration.ofSeconds(20));
        waitForLog(env, BACK, recoveriesBefore + 1, Duration.ofSeconds(10));
        assertNotNull(Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42")
                .get("access_token"));
    }

    private static JsonPath status(GuardEnvironment env) {
        return env.admin().request().get("/admin/realms/{realm}/guard/status", REALM)
                .then().statusCode(200).extract().jsonPath();
    }

    private static long count(GuardEnvironment env, Pattern pattern) {
        return env.keycloak().log().lines().filter(l -> pattern.matcher(l).find()).count();
    }

    private static void waitFor(GuardEnvironment env, Predicate<JsonPath> condition, Duration timeout) {
        Await.until(() -> condition.test(status(env)), timeout, "the status endpoint reports Redis reachable");
    }

    private static void waitForLog(GuardEnvironment env, Pattern pattern, long expected, Duration timeout) {
        Await.until(() -> count(env, pattern) >= expected, timeout, "the log says " + pattern);
        assertEquals(expected, count(env, pattern), "log lines matching " + pattern);
    }
}
