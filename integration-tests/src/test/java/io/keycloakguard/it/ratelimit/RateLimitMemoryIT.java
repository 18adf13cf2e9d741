package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Anonymous failed logins from ever new addresses must not fill Redis: once Redis is full (maxmemory with the
 * recommended noeviction), the revocation feed cannot be written and logouts never reach the resource servers. A
 * Keycloak of its own behind the trusted proxy 127.0.0.1 (X-Forwarded-For) on a private redis-server limited to
 * 20 MB gets failed logins from 100,000 addresses; then a user logs out and a RevocationClient must see it.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RateLimitMemoryIT {

    /** Fewer with -Dit.ratelimit.addresses=… on a slow machine; 100,000 fills 20 MB without a cap on the keys. */
    static final int ADDRESSES = Integer.getInteger("it.ratelimit.addresses", 100_000);
    static final String PASSWORD = "Correct-horse-42";

    @Test
    void failedLoginsFromAHundredThousandAddressesLeaveRoomForTheRevocationFeed(GuardEnvironment env) throws Exception {
        assumeTrue(PrivateRedis.available(), "needs redis-server on the PATH for a Redis with maxmemory");
        String prefix = "kcguard-mem-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try (PrivateRedis redis = PrivateRedis.start("20mb");
             RedisClient jedis = RedisClient.create(redis.url())) {
            KeycloakOptions harness = env.options();
            DistributionKeycloak keycloak = DistributionKeycloak.startScratch(new KeycloakOptions("ratelimit-memory-" + UUID.randomUUID().toString().substring(0, 6), 0,
                    harness.database(), redis.url(), prefix, harness.providersDir(), harness.realmsDir(),
                    List.of("--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.1")));
            try {
                KeycloakAdmin admin = KeycloakAdmin.of(keycloak);
                String realm = "guard-mem-" + UUID.randomUUID().toString().substring(0, 6);
                // A cheap hash for the unknown user's dummy check, so that Keycloak answers fast; the feed listener on.
                admin.request().body(Map.of("realm", realm, "enabled", true, "sslRequired", "none",
                                "bruteForceProtected", false, "eventsListeners", List.of("guard-revocation"),
                                "passwordPolicy", "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)"))
                        .post("/admin/realms").then().statusCode(201);
                AuthFlows flows = new AuthFlows(admin, realm);
                flows.copy("direct grant", "limited");
                String gate = flows.addRequired("limited", RateLimitRealm.GATE);
                flows.moveFirst("limited", gate);
                flows.createClient("app", "http://127.0.0.1:9/app/callback", null, "limited", Map.of());
                String user = KeycloakAdmin.uniqueUsername("victim");
                admin.createUser(realm, user, PASSWORD);

                long before = usedMemory(jedis);
                long started = System.nanoTime();
                Map<Integer, Long> answers = failFromEverywhere(keycloak.baseUrl(), realm, ADDRESSES);
                System.out.printf("[RateLimitMemoryIT] %,d failed logins from as many addresses in %.0f s: %s; Redis used "
                                + "memory %,d -> %,d bytes (maxmemory %,d)%n", ADDRESSES, (System.nanoTime() - started) / 1e9,
                        answers, before, usedMemory(jedis), maxMemory(jedis));

                // Room is left: the limiter's keys are capped far below maxmemory.
                long used = usedMemory(jedis);
                assertTrue(used < maxMemory(jedis) * 9 / 10, "failed logins filled Redis: " + used + " of "
                        + maxMemory(jedis) + " bytes used");

                Map<String, Object> tokens = Tokens.passwordGrant(keycloak.baseUrl(), realm, "app", user, PASSWORD);
                try (RevocationClient feed = RevocationClient.builder(jedis, realm).keyPrefix(prefix)
                        .pollBlock(Duration.ofMillis(200)).start()) {
                    assertTrue(feed.awaitReady(Duration.ofSeconds(30)), "the revocation client loaded the feed");
                    Map<String, Object> claims = Tokens.claims((String) tokens.get("access_token"));
                    assertFalse(feed.isRevoked(claims));
                    Tokens.logout(keycloak.baseUrl(), realm, "app", tokens.get("refresh_token"));
                    Await.until(() -> feed.isRevoked(claims), Duration.ofSeconds(30),
                            "the logout reaches the revocation feed although " + ADDRESSES + " addresses failed to log in "
                                    + "(Redis used " + usedMemory(jedis) + " of " + maxMemory(jedis) + " bytes)");
                }
                // At once, not after Redis found room again: no write of the feed was refused.
                assertFalse(keycloak.log().contains("delivering 'revocation' records failed"),
                        "a revocation could not be written to Redis: " + keycloak.log().lines()
                                .filter(l -> l.contains("delivering 'revocation' records failed")).findFirst().orElse(""));
                assertFalse(keycloak.log().contains("OOM command not allowed"), "Redis refused a write for lack of memory");

                Map<String, Object> memory = admin.request().get("/admin/realms/{realm}/guard/status", realm)
                        .then().statusCode(200).extract().path("redis.memory");
                assertEquals(20L * 1024 * 1024, ((Number) memory.get("maxBytes")).longValue(), "status: " + memory);
                assertEquals(false, memory.get("alarm"), "status: " + memory);
                Map<String, Object> limiter = admin.request().get("/admin/realms/{realm}/guard/status", realm)
                        .then().statusCode(200).extract().path("rateLimit");
                long tracked = ((Number) limiter.get("trackedAddresses")).longValue();
                long cap = ((Number) limiter.get("maxTrackedAddresses")).longValue();
                assertTrue(tracked <= cap && cap < ADDRESSES, "the cap bounds the addresses kept: " + limiter);
            } finally {
                keycloak.close();
            }
        }
    }

    /** One wrong login (an unknown user) from each of {@code count} addresses, 16 at a time; answers by status. */
    private static Map<Integer, Long> failFromEverywhere(String baseUrl, String realm, int count) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        URI token = URI.create(Tokens.tokenEndpoint(baseUrl, realm));
        Semaphore inFlight = new Semaphore(16);
        Map<Integer, Long> answers = new ConcurrentHashMap<>();
        AtomicLong failures = new AtomicLong();
        for (int i = 0; i < count; i++) {
            // 10.0.0.0/8 holds 16 million: address i is 10.<i / 65536>.<i / 256 % 256>.<i % 256>.
            String address = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            inFlight.acquire();
            http.sendAsync(HttpRequest.newBuilder(token).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/x-www-form-urlencoded").header("X-Forwarded-For", address)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "grant_type=password&client_id=app&username=nobody&password=guess")).build(),
                    HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        if (error != null) {
                            failures.incrementAndGet();
                        } else {
                            answers.merge(response.statusCode(), 1L, Long::sum);
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(16);
        assertEquals(0, failures.get(), "every request answered: " + answers);
        return answers;
    }

    private static long usedMemory(RedisClient jedis) {
        return infoField(jedis, "used_memory");
    }

    private static long maxMemory(RedisClient jedis) {
        return infoField(jedis, "maxmemory");
    }

    private static long infoField(RedisClient jedis, String field) {
        for (String line : jedis.info("memory").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + field + " in INFO memory");
    }
}
