package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.RedisClusterGroup;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.ratelimit.RateLimitAcrossNodes;
import io.keycloakguard.it.sessionlimits.SessionLimitAcrossNodes;
import io.keycloakguard.revocation.RevocationClient;
import io.keycloakguard.revocation.contract.RevocationKeys;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pack on a real Redis Cluster (three primaries, three replicas, on loopback), connected with
 * {@code mode=cluster} and {@code cluster-nodes}: the revocation feed, the per-IP rate limit and the audit stream of a
 * realm share one hash slot ({@code {realm}} in their keys), the Java revocation client follows the feed through a
 * cluster client. On two Keycloak nodes (when the suite runs on PostgreSQL) the race-free session limit and the per-IP
 * rate limit work across the nodes. Then, under login/logout load on both nodes, the primary holding the realm's slot
 * dies with writes its replica never got, the replica is promoted, and every revocation and every audit record
 * Keycloak committed is on the promoted replica again (the ledger's reconcile and the audit stream's check write what
 * the failover lost): committed vs delivered, 0 lost.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RedisClusterIT {

    @Test
    void featuresWorkOnAClusterAndAFailoverLosesNoRevocation(GuardEnvironment env) throws Exception {
        assumeTrue(RedisClusterGroup.available(), "needs redis-server and redis-cli on the PATH");
        String prefix = "kcguard-cluster-" + UUID.randomUUID().toString().substring(0, 6) + ":";
        try (RedisClusterGroup redis = RedisClusterGroup.start("it")) {
            KeycloakOptions options = KeycloakOptions.defaults("redis-cluster", env.database(),
                            "redis://127.0.0.1:1", prefix)
                    .withExtraArgs("--spi-guard-redis--default--mode=cluster",
                            "--spi-guard-redis--default--cluster-nodes=" + redis.nodes(),
                            "--spi-guard-outbox-sink--revocation--reconcile-interval=2s",
                            "--spi-events-listener--guard-audit--stream-check-interval=2s",
                            "--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.1");
            try (TopologyNodes nodes = TopologyNodes.start(options, "cluster-nodes");
                 RedisClusterClient reader = redis.client()) {
                DistributionKeycloak kc = nodes.first();
                if (nodes.twoNodes()) {
                    SessionLimitAcrossNodes.assertParallelLoginsNeverExceedTheLimit(nodes.first(), nodes.second());
                    RateLimitAcrossNodes.assertFailuresOnEitherNodeBlockTheAddressOnBoth(nodes.first(), nodes.second());
                } else {
                    System.out.println("[cluster] one Keycloak node (the suite is not on PostgreSQL): two-node checks skipped");
                }
                TopologyRealm realm = TopologyRealm.create(KeycloakAdmin.of(kc), "cluster");
                RevocationKeys keys = realm.feedKeys(prefix);
                assertEquals(Boolean.TRUE, realm.status().get("redis.reachable"), "the status endpoint reaches the cluster");

                try (RevocationClient client = RevocationClient.builder(reader, realm.name).keyPrefix(prefix)
                        .pollBlock(Duration.ofMillis(200)).start()) {
                    assertTrue(client.awaitReady(Duration.ofSeconds(30)), "the revocation client loads the feed");

                    // Logins and logouts: each logout reaches the feed and the client.
                    String user = realm.newUser("c");
                    List<String> sessions = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        Response login = realm.passwordGrant(kc.baseUrl(), TopologyRealm.APP, TopologyRealm.newAddress(),
                                user, TopologyRealm.PASSWORD);
                        assertEquals(200, login.statusCode(), login.asString());
                        Map<String, Object> tokens = login.as(Map.class);
                        sessions.add((String) Tokens.claims((String) tokens.get("access_token")).get("sid"));
                        assertEquals(204, realm.logout(kc.baseUrl(), TopologyRealm.APP, tokens.get("refresh_token")));
                    }
                    Await.until(() -> sessions.stream().allMatch(s -> reader.hexists(keys.records(), "session:" + s)),
                            Duration.ofSeconds(30), "the logouts are in the feed");
                    Await.until(() -> sessions.stream().allMatch(s -> client.isInFeed(Map.of("sid", s))),
                            Duration.ofSeconds(30), "the revocation client has them");

                    // The per-IP rate limit counts in the cluster: an address with too many wrong passwords is
                    // refused even the right one, another address is not.
                    String attacker = TopologyRealm.newAddress();
                    for (int i = 0; i < TopologyRealm.MAX_FAILURES; i++) {
                        assertTrue(TopologyRealm.isWrongPassword(realm.passwordGrant(kc.baseUrl(), TopologyRealm.APP,
                                attacker, user, TopologyRealm.WRONG)));
                    }
                    Response refused = realm.passwordGrant(kc.baseUrl(), TopologyRealm.APP, attacker, user, TopologyRealm.PASSWORD);
                    assertNotEquals(200, refused.statusCode(), "the limited address is refused: " + refused.asString());
                    assertEquals(200, realm.passwordGrant(kc.baseUrl(), TopologyRealm.APP, TopologyRealm.newAddress(),
                            user, TopologyRealm.PASSWORD).statusCode(), "another address logs in");
                    int slotPrimary = redis.primaryFor(keys.records());
                    try (Jedis node = redis.connect(slotPrimary)) {
                        assertFalse(node.keys(prefix + "ratelimit:v2:{" + realm.name + "}:*").isEmpty(),
                                "the rate limit's keys are on the primary of the realm's slot");
                    }

                    // The audit stream has every record of the chain.
                    long head = realm.awaitOutboxDrained(Duration.ofSeconds(60));
                    assertTrue(head > 0, "the realm has audit records");
                    assertEquals(List.of(), TopologyRealm.missingSeqs(realm.streamSeqs(reader, prefix), head),
                            "audit records missing from the stream");

                    // Failover under login/logout load: the replica of the slot's primary stops receiving writes,
                    // the primary acknowledges more logouts, dies, and the replica is promoted without them.
                    int replica = redis.replicaOf(slotPrimary);
                    try (LoginLogoutLoad load = LoginLogoutLoad.start(realm, nodes.baseUrls(), 2)) {
                        Thread.sleep(3000);
                        redis.pause(replica);
                        redis.disconnectReplicas(slotPrimary);
                        Thread.sleep(3000);
                        redis.kill(slotPrimary);
                        redis.resume(replica);
                        Await.until(() -> redis.isServingPrimary(replica), Duration.ofSeconds(60),
                                "the replica of the killed primary is promoted");
                        for (DistributionKeycloak node : List.of(nodes.first(), nodes.second())) {
                            KeycloakAdmin nodeAdmin = KeycloakAdmin.of(node);
                            Await.until(() -> Boolean.TRUE.equals(realm.status(nodeAdmin).get("redis.reachable")),
                                    Duration.ofSeconds(60), "the pack counts the cluster reachable again by itself");
                        }
                        int beforeWindow = load.loginsSoFar();
                        Await.until(() -> load.loginsSoFar() > beforeWindow + 5, Duration.ofSeconds(60),
                                "logins go on after the failover");
                        LoginLogoutLoad.Result result = load.stop();
                        System.out.printf("[cluster failover] %s%n", result);
                        assertFalse(result.revokedSessions().isEmpty(), "the load logged sessions out");
                        assertEquals(replica, redis.primaryFor(keys.records()));

                        long lostAtFailover;
                        try (Jedis promoted = redis.connect(replica)) {
                            lostAtFailover = result.revokedSessions().stream()
                                    .filter(s -> !promoted.hexists(keys.records(), "session:" + s)).count();
                            Await.until(() -> result.revokedSessions().stream()
                                            .allMatch(s -> promoted.hexists(keys.records(), "session:" + s)),
                                    Duration.ofSeconds(60), "every committed revocation is on the promoted replica");
                        }
                        Await.until(() -> result.revokedSessions().stream().allMatch(s -> client.isInFeed(Map.of("sid", s))),
                                Duration.ofSeconds(60), "the revocation client follows the feed on the new primary");
                        long delivered = result.revokedSessions().stream().filter(s -> client.isInFeed(Map.of("sid", s))).count();
                        System.out.printf("[cluster failover] committed %d revocations, %d missing when first checked on "
                                        + "the promoted replica (the reconcile may have run already), %d delivered%n",
                                result.revokedSessions().size(), lostAtFailover, delivered);
                        assertEquals(result.revokedSessions().size(), delivered, "committed vs delivered after the failover: committed "
                                + result.revokedSessions().size() + ", missing on the promoted replica when first checked "
                                + lostAtFailover + ", delivered " + delivered);

                        // Audit records: committed = the realm's chain (seq 1..head); delivered = the seqs in the
                        // realm's stream on the promoted replica.
                        TopologyRealm.AuditCount audit = realm.countAuditRecords(reader, prefix, Duration.ofSeconds(60));
                        System.out.printf("[cluster failover] %s%n", audit);
                        assertEquals(replica, redis.primaryFor(realm.auditStreamKey(prefix)), "the stream is on the promoted replica");
                        assertEquals(List.of(), audit.lost(), audit.toString());
                    }
                }
            }
        }
    }
}
