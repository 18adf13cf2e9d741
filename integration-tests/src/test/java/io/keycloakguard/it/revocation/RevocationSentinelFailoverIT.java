package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.RedisSentinelGroup;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.contract.RevocationKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sentinel replicates asynchronously: a primary acknowledges revocations its replica never gets, then dies, and the
 * replica is promoted without them. The pack notices (its reconcile compares recent ledger rows with Redis) and
 * publishes them again on the new primary: nothing committed is lost. A real primary, replica and three sentinels on
 * loopback; a Keycloak of its own connected through the sentinels.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RevocationSentinelFailoverIT {

    static final String PASSWORD = "Correct-horse-42";
    static final int LOGOUTS = 20;

    @Test
    void revocationsAPrimaryLostInAFailoverAreRepublished(GuardEnvironment env) {
        assumeTrue(RedisSentinelGroup.available(), "needs redis-server on the PATH");
        String prefix = "kcguard-sentinel-" + UUID.randomUUID().toString().substring(0, 6) + ":";
        try (RedisSentinelGroup redis = RedisSentinelGroup.start("failover")) {
            KeycloakOptions options = redis.keycloakOptions("sentinel", env.database(), prefix)
                    .withExtraArgs("--spi-guard-outbox-sink--revocation--reconcile-interval=2s");
            try (DistributionKeycloak kc = DistributionKeycloak.startScratch(options)) {
                KeycloakAdmin admin = KeycloakAdmin.of(kc);
                String realm = "failover";
                admin.request().body(Map.of("realm", realm, "enabled", true,
                                "eventsListeners", List.of("guard-revocation"),
                                "clients", List.of(Map.of("clientId", "cli", "publicClient", true,
                                        "directAccessGrantsEnabled", true, "standardFlowEnabled", false))))
                        .post("/admin/realms").then().statusCode(201);
                RevocationKeys keys = new RevocationKeys(prefix, realm);

                List<String> sessions = new ArrayList<>();
                List<Object> refreshTokens = new ArrayList<>();
                for (int i = 0; i < LOGOUTS; i++) {
                    String username = KeycloakAdmin.uniqueUsername("f");
                    admin.createUser(realm, username, PASSWORD);
                    Map<String, Object> tokens = Tokens.passwordGrant(kc.baseUrl(), realm, "cli", username, PASSWORD);
                    sessions.add((String) Tokens.claims((String) tokens.get("access_token")).get("sid"));
                    refreshTokens.add(tokens.get("refresh_token"));
                }
                int oldPrimary = redis.firstPrimaryPort();
                int replica = redis.firstReplicaPort();
                // The realm's marker is set once the ledger has rows: a first logout, then the primary has it.
                Tokens.logout(kc.baseUrl(), realm, "cli", refreshTokens.get(0));
                try (Jedis primary = redis.connect(oldPrimary)) {
                    Await.until(() -> primary.exists(keys.epoch()) && primary.hexists(keys.records(), "session:" + sessions.get(0)),
                            Duration.ofSeconds(20), "the first revocation and the realm's marker are on the primary");
                }
                try (Jedis replicaConnection = redis.connect(replica)) {
                    Await.until(() -> replicaConnection.exists(keys.epoch()), Duration.ofSeconds(20), "and on the replica");
                }

                // The replica stops, and the primary drops its replication link: writes from now on stay on the primary
                // only (a stopped process would still receive them into its socket buffer).
                redis.pause(replica);
                redis.disconnectReplicas(oldPrimary);
                try (Jedis primary = redis.connect(oldPrimary)) {
                    for (int i = 1; i < LOGOUTS; i++) {
                        Tokens.logout(kc.baseUrl(), realm, "cli", refreshTokens.get(i));
                    }
                    Await.until(() -> sessions.stream().allMatch(s -> primary.hexists(keys.records(), "session:" + s)),
                            Duration.ofSeconds(20), "the primary acknowledged every revocation");
                }
                redis.kill(oldPrimary);
                redis.resume(replica);
                Await.until(() -> redis.currentPrimaryPort() == replica, Duration.ofSeconds(60),
                        "the sentinels promote the replica");
                assertNotEquals(oldPrimary, redis.currentPrimaryPort());

                try (Jedis newPrimary = redis.connect(replica)) {
                    long lostAtFailover = sessions.stream().filter(s -> !newPrimary.hexists(keys.records(), "session:" + s)).count();
                    System.out.printf("[failover] %d of %d revocations were not on the promoted replica%n", lostAtFailover, LOGOUTS);
                    Await.until(() -> sessions.stream().allMatch(s -> newPrimary.hexists(keys.records(), "session:" + s)),
                            Duration.ofSeconds(60), "every committed revocation is on the new primary");
                    long delivered = sessions.stream().filter(s -> newPrimary.hexists(keys.records(), "session:" + s)).count();
                    assertEquals(LOGOUTS, delivered, "committed vs delivered after the failover");
                    assertTrue(lostAtFailover > 0, "the test must lose writes at the failover to prove anything");
                }
            }
        }
    }
}
