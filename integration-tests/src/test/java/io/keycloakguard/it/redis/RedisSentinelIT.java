package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.RedisSentinelGroup;
import io.keycloakguard.it.ratelimit.RateLimitAcrossNodes;
import io.keycloakguard.it.sessionlimits.SessionLimitAcrossNodes;
import io.keycloakguard.revocation.RevocationClient;
import io.keycloakguard.revocation.contract.RevocationKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

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
 * The pack on a real Redis Sentinel setup (a primary, a replica, three sentinels on loopback), connected with
 * {@code mode=sentinel}: on two Keycloak nodes (when the suite runs on PostgreSQL) the race-free session limit and
 * the per-IP rate limit work across the nodes; the Java revocation client follows the feed through a sentinel client.
 * Then, while a few threads log users in and out on both nodes, the primary dies with writes its replica never got
 * and the sentinels promote the replica: logins go on, the pack follows the sentinels to the new primary by itself,
 * and every revocation and every audit record Keycloak committed is on the new primary (committed vs delivered, 0
 * lost): the revocation ledger's reconcile and the audit stream's check publish what the failover lost.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RedisSentinelIT {

    /** How long a request of the load may take at most (TopologyRealm's socket timeout). */
    static final long REQUEST_TIMEOUT_MILLIS = 60_000;

    @Test
    void twoNodesAndAFailoverUnderLoginLogoutLoadLoseNoRevocationAndNoAuditRecord(GuardEnvironment env) throws Exception {
        assumeTrue(RedisSentinelGroup.available(), "needs redis-server on the PATH");
        String prefix = "kcguard-sentinel-" + UUID.randomUUID().toString().substring(0, 6) + ":";
        try (RedisSentinelGroup redis = RedisSentinelGroup.start("load")) {
            KeycloakOptions options = redis.keycloakOptions("sentinel-load", env.database(), prefix)
                    .withExtraArgs("--spi-guard-outbox-sink--revocation--reconcile-interval=2s",
                            "--spi-events-listener--guard-audit--stream-check-interval=2s");
            try (TopologyNodes kc = TopologyNodes.start(options, "sentinel-nodes");
                 RedisSentinelClient reader = redis.client()) {
                if (kc.twoNodes()) {
                    SessionLimitAcrossNodes.assertParallelLoginsNeverExceedTheLimit(kc.first(), kc.second());
                    RateLimitAcrossNodes.assertFailuresOnEitherNodeBlockTheAddressOnBoth(kc.first(), kc.second());
                } else {
                    System.out.println("[sentinel] one Keycloak node (the suite is not on PostgreSQL): two-node checks skipped");
                }

                KeycloakAdmin admin = KeycloakAdmin.of(kc.first());
                List<KeycloakAdmin> nodeAdmins = List.of(admin, KeycloakAdmin.of(kc.second()));
                TopologyRealm realm = TopologyRealm.create(admin, "sentinel");
                RevocationKeys keys = realm.feedKeys(prefix);
                for (KeycloakAdmin nodeAdmin : nodeAdmins) {
                    assertEquals(Boolean.TRUE, realm.status(nodeAdmin).get("redis.reachable"),
                            "the status endpoint reaches Redis through the sentinels");
                }

                try (RevocationClient client = RevocationClient.builder(reader, realm.name).keyPrefix(prefix)
                        .pollBlock(Duration.ofMillis(200)).start()) {
                    assertTrue(client.awaitReady(Duration.ofSeconds(30)), "the revocation client loads the feed");

                    int oldPrimary = redis.firstPrimaryPort();
                    int replica = redis.firstReplicaPort();
                    long killedAt;
                    LoginLogoutLoad.Result result;
                    try (LoginLogoutLoad load = LoginLogoutLoad.start(realm, kc.baseUrls(), 3)) {
                        Await.until(() -> load.loginsSoFar() >= 10, Duration.ofSeconds(120), "the load logs users in");
                        // The replica stops, and the primary drops its replication link: from now on what the primary
                        // acknowledges stays on it alone, until it dies.
                        redis.pause(replica);
                        redis.disconnectReplicas(oldPrimary);
                        try (Jedis primary = redis.connect(oldPrimary)) {
                            long cut = lastAuditSeq(primary, realm.auditStreamKey(prefix));
                            long revokedAtCut = primary.hlen(keys.records());
                            Await.until(() -> lastAuditSeq(primary, realm.auditStreamKey(prefix)) > cut + 5
                                            && primary.hlen(keys.records()) > revokedAtCut + 2,
                                    Duration.ofSeconds(60), "the primary acknowledges audit records and revocations "
                                            + "its replica does not get");
                        }
                        killedAt = System.currentTimeMillis();
                        redis.kill(oldPrimary);
                        redis.resume(replica);
                        Await.until(() -> redis.currentPrimaryPort() == replica, Duration.ofSeconds(60),
                                "the sentinels promote the replica");
                        long promotedAt = System.currentTimeMillis();
                        for (KeycloakAdmin nodeAdmin : nodeAdmins) {
                            Await.until(() -> Boolean.TRUE.equals(realm.status(nodeAdmin).get("redis.reachable")),
                                    Duration.ofSeconds(60), "the pack counts Redis reachable again by itself");
                        }
                        long reachableAt = System.currentTimeMillis();
                        int beforeWindow = load.loginsSoFar();
                        Await.until(() -> load.loginsSoFar() > beforeWindow + 10, Duration.ofSeconds(120),
                                "logins go on after the failover");
                        result = load.stop();
                        System.out.printf("[sentinel failover] %s; primary killed, replica promoted %d ms later, "
                                        + "the pack reachable on every node %d ms after the kill%n", result,
                                promotedAt - killedAt, reachableAt - killedAt);
                        for (LoginLogoutLoad.Failure failure : result.failures()) {
                            System.out.printf("[sentinel failover] failed %+d ms after the kill: %s%n",
                                    failure.atMillis() - killedAt, failure.what());
                            assertTrue(failure.atMillis() >= killedAt
                                            && failure.atMillis() <= reachableAt + REQUEST_TIMEOUT_MILLIS,
                                    "a request failed outside the failover window: " + failure);
                        }
                    }
                    assertNotEquals(oldPrimary, redis.currentPrimaryPort());
                    assertFalse(result.revokedSessions().isEmpty(), "the load logged sessions out");

                    // Revocations: committed = logouts Keycloak answered 204; delivered = on the new primary and in
                    // the revocation client.
                    List<String> committed = result.revokedSessions();
                    long revocationsLostAtFailover;
                    try (Jedis promoted = redis.connect(replica)) {
                        revocationsLostAtFailover = committed.stream()
                                .filter(s -> !promoted.hexists(keys.records(), "session:" + s)).count();
                        Await.holdsWithin(() -> committed.stream().allMatch(s -> promoted.hexists(keys.records(), "session:" + s)),
                                Duration.ofSeconds(60));
                        long onPrimary = committed.stream().filter(s -> promoted.hexists(keys.records(), "session:" + s)).count();
                        Await.holdsWithin(() -> committed.stream().allMatch(s -> client.isInFeed(Map.of("sid", s))),
                                Duration.ofSeconds(60));
                        long inClient = committed.stream().filter(s -> client.isInFeed(Map.of("sid", s))).count();
                        String revocations = String.format("revocations: committed %d, missing on the promoted replica "
                                        + "when first checked %d, delivered %d on the new primary, %d in the revocation client",
                                committed.size(), revocationsLostAtFailover, onPrimary, inClient);
                        System.out.printf("[sentinel failover] %s%n", revocations);
                        assertEquals(committed.size(), onPrimary, revocations);
                        assertEquals(committed.size(), inClient, revocations);

                        // Audit records: committed = the realm's audit chain (seq 1..head, every login, logout and
                        // admin event); delivered = the seqs in the realm's stream on the new primary.
                        TopologyRealm.AuditCount audit = realm.countAuditRecords(reader, prefix, Duration.ofSeconds(60));
                        System.out.printf("[sentinel failover] %s%n", audit);
                        assertEquals(List.of(), audit.lost(), audit.toString());
                    }
                }
            }
        }
    }

    /** The seq of the newest entry of an audit stream; 0 if there is none. */
    static long lastAuditSeq(Jedis node, String key) {
        List<StreamEntry> last = node.xrevrange(key, StreamEntryID.MAXIMUM_ID, StreamEntryID.MINIMUM_ID, 1);
        return last.isEmpty() ? 0 : last.get(0).getID().getTime();
    }
}
