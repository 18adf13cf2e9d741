package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.FreePorts;
import io.keycloakguard.it.harness.TestRedis;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.RevocationClient;
import io.keycloakguard.revocation.contract.RevocationKeys;
import io.keycloakguard.revocation.contract.RevocationKind;
import io.keycloakguard.core.revocation.RevocationPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ClientKillParams;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Redis contract v1: what the pack's publisher writes is what the resource-server client reads. */
class RevocationFeedIT {

    private static final String READER = "feed-reader";
    private static final String READER_PASSWORD = "reader-" + UUID.randomUUID();

    private final String prefix = "kcguard-feed-it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final String realm = "feed";
    private TestRedis redis;
    private RedisClient jedis;
    private RevocationPublisher publisher;

    @BeforeEach
    void startRedis() {
        redis = TestRedis.privateOn(FreePorts.next());
        jedis = RedisClient.create(redis.url());
        publisher = new RevocationPublisher(prefix, RevocationPublisher.DEFAULT_STREAM_MAX_LENGTH);
    }

    @AfterEach
    void stopRedis() {
        jedis.close();
        redis.close();
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private Revocation session(String sid) {
        return Revocation.of(realm, RevocationKind.SESSION, sid, null, now(), now() + 900, "logout");
    }

    private RevocationClient client() {
        return RevocationClient.builder(jedis, realm).keyPrefix(prefix).pollBlock(Duration.ofMillis(200)).start();
    }

    @Test
    void snapshotThenStreamMissesNothing() {
        assertTrue(publisher.publish(jedis, session("before-start"), now()));
        try (RevocationClient client = client()) {
            Await.until(() -> client.isRevoked(null, "before-start", null, null, now()), Duration.ofSeconds(20), "snapshot entry");
            assertTrue(publisher.publish(jedis, session("after-start"), now()));
            Await.until(() -> client.isRevoked(null, "after-start", null, null, now()), Duration.ofSeconds(20), "stream entry");
            assertFalse(client.isRevoked(null, "untouched", "someone", "app", now()));
        }
    }

    @Test
    void publishingTheSameRevocationTwiceChangesNothing() {
        Revocation r = session("twice");
        assertTrue(publisher.publish(jedis, r, now()));
        assertFalse(publisher.publish(jedis, r, now()), "second delivery is recognised");
        RevocationKeys keys = new RevocationKeys(prefix, realm);
        assertEquals(1, jedis.xlen(keys.stream()));
        assertEquals(1, jedis.hlen(keys.records()));
    }

    @Test
    void userRevocationsMergeToTheLatestTime() throws InterruptedException {
        long t = now();
        publisher.publish(jedis, Revocation.of(realm, RevocationKind.USER, "u1", null, t, t + 900, "disabled"), t);
        publisher.publish(jedis, Revocation.of(realm, RevocationKind.USER, "u1", null, t - 100, t + 300, "old"), t);
        try (RevocationClient client = client()) {
            assertTrue(client.awaitReady(Duration.ofSeconds(20)), "snapshot loaded");
            assertEquals(1, client.liveRevocations());
            assertTrue(client.isRevoked(null, null, "u1", "app", t - 50), "merged to the later time");
            assertFalse(client.isRevoked(null, null, "u1", "app", t + 1));
        }
        String merged = jedis.hget(new RevocationKeys(prefix, realm).records(), "user:u1");
        assertEquals(t, Revocation.fromJson(merged).time());
        assertEquals(t + 900, Revocation.fromJson(merged).expiresAt());
    }

    @Test
    void expiredRevocationsAreNotStoredAndAreRemoved() {
        long t = now();
        assertFalse(publisher.publish(jedis, Revocation.of(realm, RevocationKind.TOKEN, "old", null, t - 1000, t - 1, "x"), t));
        publisher.publish(jedis, Revocation.of(realm, RevocationKind.TOKEN, "short", null, t, t + 5, "x"), t);
        assertEquals(0, publisher.removeExpired(jedis, realm, t));
        assertEquals(1, publisher.removeExpired(jedis, realm, t + 10));
        assertEquals(0, jedis.hlen(new RevocationKeys(prefix, realm).records()));
    }

    @Test
    void reloadsTheSnapshotWhenTheStreamNoLongerReachesBackToItsPosition() {
        admin(j -> j.aclSetUser(READER, "on", ">" + READER_PASSWORD, "~*", "+@read", "+@connection"));
        try (RedisClient reader = RedisClient.builder().hostAndPort("127.0.0.1", redis.port())
                .clientConfig(DefaultJedisClientConfig.builder().user(READER).password(READER_PASSWORD).build()).build();
             RevocationClient client = RevocationClient.builder(reader, realm).keyPrefix(prefix)
                     .pollBlock(Duration.ofMillis(200)).start()) {
            publisher.publish(jedis, session("before-outage"), now());
            Await.until(() -> client.isRevoked(null, "before-outage", null, null, now()), Duration.ofSeconds(20),
                    "first revocation");
            assertEquals(1, client.snapshotLoads());

            // The reader is shut out (its ACL user disabled and disconnected) while the stream is rewritten.
            admin(j -> {
                j.aclSetUser(READER, "off");
                j.clientKill(ClientKillParams.clientKillParams().user(READER));
            });
            Await.until(() -> !client.health().connected(), Duration.ofSeconds(20), "the client is shut out");
            Revocation trimmed = session("trimmed-from-stream");
            RevocationKeys keys = new RevocationKeys(prefix, realm);
            publisher.publish(jedis, trimmed, now());
            publisher.publish(jedis, session("still-in-stream"), now());
            jedis.xtrim(keys.stream(), 1, false);

            admin(j -> j.aclSetUser(READER, "on"));
            Await.until(() -> client.isRevoked(null, "still-in-stream", null, null, now()), Duration.ofSeconds(20),
                    "the client is back");
            assertTrue(client.isRevoked(null, "trimmed-from-stream", null, null, now()),
                    "an entry only the snapshot still has must not be missed");
            assertEquals(2, client.snapshotLoads());
            assertTrue(client.isRevoked(null, "before-outage", null, null, now()), "merged, not replaced");
        }
    }

    @Test
    void resumesAfterARedisRestartAndReportsStaleness() throws Exception {
        try (Heartbeats heartbeats = new Heartbeats();
             RevocationClient client = RevocationClient.builder(jedis, realm).keyPrefix(prefix)
                .pollBlock(Duration.ofMillis(200)).staleAfter(Duration.ofSeconds(1)).failClosedWhenStale(true).start()) {
            publisher.publish(jedis, session("first"), now());
            Await.until(() -> !client.isStale() && client.isRevoked(null, "first", null, null, now()), Duration.ofSeconds(20), "first revocation");
            assertFalse(client.isRevoked(null, "other", null, null, now()));

            redis.stop();
            Await.until(client::isStale, Duration.ofSeconds(20), "the client notices Redis is gone");
            assertTrue(client.isRevoked(null, "other", null, null, now()), "fail-closed while stale");

            redis.start();
            publisher.publish(jedis, session("second"), now());
            Await.until(() -> client.isRevoked(null, "second", null, null, now()) && !client.isStale(), Duration.ofSeconds(20), "resumed");
            assertTrue(client.isRevoked(null, "first", null, null, now()), "kept what it had");
            assertFalse(client.isRevoked(null, "other", null, null, now()));
        }
    }

    @Test
    void aFeedWithoutHeartbeatIsStaleEvenWhileRedisAnswers() {
        try (RevocationClient client = RevocationClient.builder(jedis, realm).keyPrefix(prefix)
                .pollBlock(Duration.ofMillis(200)).staleAfter(Duration.ofSeconds(1)).failClosedWhenStale(true).start()) {
            publisher.publish(jedis, session("known"), now());
            Await.until(() -> client.health().connected() && client.health().ready(), Duration.ofSeconds(20), "connected");
            assertTrue(client.isStale(), "no publisher heartbeat: the client cannot know it is up to date");
            assertTrue(client.isRevoked(null, "anything", null, null, now()), "fail-closed rejects while stale");
            long drainedTo = System.currentTimeMillis();
            assertEquals(1, publisher.heartbeat(jedis, realm, drainedTo, drainedTo, "test", false));
            Await.until(() -> !client.isStale(), Duration.ofSeconds(20), "a heartbeat makes it fresh");
            assertFalse(client.isRevoked(null, "anything", null, null, now()));
            assertTrue(client.isRevoked(null, "known", null, null, now()));
        }
    }

    @Test
    void oneEntryTheClientCannotReadDoesNotFreezeIt() {
        try (RevocationClient client = client()) {
            Await.until(client::isReady, Duration.ofSeconds(20), "snapshot loaded");
            RevocationKeys keys = new RevocationKeys(prefix, realm);
            // What a newer publisher could write: a kind this client does not know.
            jedis.xadd(keys.stream(), StreamEntryID.NEW_ENTRY, java.util.Map.of("v", "1", "id", "x",
                    "realm", realm, "kind", "realm", "subject", realm, "client", "", "time", String.valueOf(now()),
                    "exp", String.valueOf(now() + 900), "reason", "future"));
            publisher.publish(jedis, session("after-the-unknown-entry"), now());
            Await.until(() -> client.isRevoked(null, "after-the-unknown-entry", null, null, now()), Duration.ofSeconds(20),
                    "the entry after the unknown one is applied");
            assertEquals(1, client.skipped());
        }
    }

    /** ACL and client commands on a connection of its own (the pooled client has none of them). */
    private void admin(java.util.function.Consumer<redis.clients.jedis.Jedis> commands) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", redis.port())) {
            commands.accept(j);
        }
    }

    /** Writes the realm's heartbeat every 200 ms, as Keycloak does every 2 s, ignoring a Redis that is down. */
    private final class Heartbeats implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService executor =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

        Heartbeats() {
            executor.scheduleWithFixedDelay(() -> {
                try {
                    long t = System.currentTimeMillis();
                    publisher.heartbeat(jedis, realm, t, t, "test", false);
                } catch (RuntimeException e) {
                    // Redis is down: no heartbeat, which is what the client must notice.
                }
            }, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
