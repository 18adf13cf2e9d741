package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The rate limit on a Redis of its own ({@code --spi-events-listener--guard-ip-rate-limit--redis-url}): its counts
 * land there and never in the pack's Redis (where the revocation feed lives), the cap on tracked addresses
 * ({@code max-tracked-addresses}) forgets the address whose last failure is oldest, and the status endpoint reports
 * both.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RateLimitOwnRedisIT {

    static final String PASSWORD = "Correct-horse-42";
    static final int CAP = 100;

    @Test
    void theLimiterKeepsItsCountsInItsOwnRedisAndAtMostTheCap(GuardEnvironment env) {
        assumeTrue(PrivateRedis.available(), "needs redis-server on the PATH for the limiter's own Redis");
        try (PrivateRedis limiterRedis = PrivateRedis.start("20mb");
             RedisClient limiter = RedisClient.create(limiterRedis.url());
             RedisClient pack = RedisClient.create(env.redis().url())) {
            KeycloakOptions harness = env.options();
            String name = "ratelimit-own-" + UUID.randomUUID().toString().substring(0, 6);
            DistributionKeycloak keycloak = DistributionKeycloak.startScratch(new KeycloakOptions(name, 0,
                    harness.database(), harness.redisUrl(), harness.redisKeyPrefix(), harness.providersDir(),
                    harness.realmsDir(), List.of("--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.1",
                    "--spi-events-listener--guard-ip-rate-limit--redis-url=" + limiterRedis.url(),
                    "--spi-events-listener--guard-ip-rate-limit--redis-key-prefix=limiter:",
                    "--spi-events-listener--guard-ip-rate-limit--max-tracked-addresses=" + CAP)));
            try {
                KeycloakAdmin admin = KeycloakAdmin.of(keycloak);
                String realm = "guard-own-" + UUID.randomUUID().toString().substring(0, 6);
                admin.request().body(Map.of("realm", realm, "enabled", true, "sslRequired", "none",
                        "bruteForceProtected", false)).post("/admin/realms").then().statusCode(201);
                String realmId = admin.request().get("/admin/realms/{realm}", realm).then().statusCode(200)
                        .extract().path("id");
                AuthFlows flows = new AuthFlows(admin, realm);
                flows.copy("direct grant", "limited");
                String gate = flows.addRequired("limited", RateLimitRealm.GATE);
                flows.moveFirst("limited", gate);
                flows.createClient("app", "http://127.0.0.1:9/app/callback", null, "limited", Map.of());
                flows.saveAcceptedConfig(gate, "limited-config", Map.of("maxFailures", "3", "window", "1h",
                        "burstWindow", "0"));
                String user = KeycloakAdmin.uniqueUsername("own");
                admin.createUser(realm, user, PASSWORD);

                String attacker = "198.18.7.1";
                for (int i = 1; i <= 3; i++) {
                    RateLimitRealm.assertWrongPassword(grant(keycloak, realm, attacker, user, "wrong"), "failure " + i);
                }
                assertEquals(429, grant(keycloak, realm, attacker, user, PASSWORD).statusCode(), "blocked at the limit");
                String key = "limiter:ratelimit:v2:{" + realmId + "}:" + attacker;
                assertEquals(3, limiter.zcard(key), "counted in the limiter's own Redis");
                assertTrue(pack.keys(harness.redisKeyPrefix() + "ratelimit:*" + realmId + "*").isEmpty(),
                        "nothing of the limiter in the pack's Redis");

                // More addresses than the cap: the realm keeps the cap, forgetting the oldest (the attacker's above).
                for (int i = 1; i <= CAP + 20; i++) {
                    RateLimitRealm.assertWrongPassword(grant(keycloak, realm, "198.18.8." + i, user, "wrong"),
                            "address " + i);
                }
                assertEquals(CAP, limiter.zcard("limiter:ratelimit:v2:{" + realmId + "}:tracked"));
                assertEquals(0, limiter.zcard(key), "the oldest address is forgotten with its failures");

                Map<String, Object> section = admin.request().get("/admin/realms/{realm}/guard/status", realm)
                        .then().statusCode(200).extract().path("rateLimit");
                assertEquals("own", section.get("redis"), section.toString());
                assertEquals(CAP, ((Number) section.get("trackedAddresses")).intValue(), section.toString());
                assertEquals(CAP, ((Number) section.get("maxTrackedAddresses")).intValue(), section.toString());
                @SuppressWarnings("unchecked")
                Map<String, Object> memory = (Map<String, Object>) section.get("memory");
                assertEquals(20L * 1024 * 1024, ((Number) memory.get("maxBytes")).longValue(), section.toString());
            } finally {
                keycloak.close();
            }
        }
    }

    private static Response grant(DistributionKeycloak keycloak, String realm, String address, String user,
                                  String password) {
        return given().header("X-Forwarded-For", address).formParam("grant_type", "password")
                .formParam("client_id", "app").formParam("username", user).formParam("password", password)
                .post(Tokens.tokenEndpoint(keycloak.baseUrl(), realm));
    }
}
