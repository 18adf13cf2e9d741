package io.keycloakguard.revocation;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a realm's live revocations in memory by loading the snapshot from Redis and following the
 * stream. {@link #isRevoked(Map)} never blocks on Redis.
 *
 * <pre>{@code
 * RevocationClient revocations = RevocationClient.builder(RedisClient.create("redis://redis:6379"), "my-realm")
 *         .keyPrefix("kcguard:").start();
 * revocations.awaitReady(Duration.ofSeconds(10)); // before serving: until then nothing is known to be revoked
 * if (revocations.isRevoked(verifiedClaims)) { reject(); }
 * }</pre>
 */
public final class RevocationClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RevocationClient.class.getName());

    private final UnifiedJedis jedis;
    private final RevocationKeys keys;
    private final Duration staleAfter;
    private final boolean failClosedWhenStale;
    private final Duration pollBlock;
    private final Clock clock;
    private final Thread follower;

    private final RevocationSet live = new RevocationSet();
    private volatile StreamEntryID lastId = new StreamEntryID(0, 0);
    private volatile Instant lastContact = Instant.EPOCH;
    private volatile long snapshotLoads;
    private final CountDownLatch firstSnapshot = new CountDownLatch(1);
    private volatile boolean running = true;

    private RevocationClient(Builder b) {
        this.jedis = b.jedis;
        this.keys = new RevocationKeys(b.keyPrefix, b.realm);
        this.staleAfter = b.staleAfter;
        this.failClosedWhenStale = b.failClosedWhenStale;
        this.pollBlock = b.pollBlock;
        this.clock = b.clock;
        this.follower = new Thread(this::follow, "keycloak-guard-revocations-" + b.realm);
        this.follower.setDaemon(true);
    }

    public static Builder builder(UnifiedJedis jedis, String realm) {
        return new Builder(jedis, realm);
    }

    /**
     * True when the claims belong to a revoked token, session, user or grant; also true while the feed is
     * stale beyond the bound, if built with {@code failClosedWhenStale}.
     */
    public boolean isRevoked(Map<String, ?> claims) {
        if (failClosedWhenStale && isStale()) {
            return true;
        }
        return live.isRevoked(claims);
    }

    public boolean isRevoked(String jti, String sid, String sub, String azp, long iat) {
        if (failClosedWhenStale && isStale()) {
            return true;
        }
        return live.isRevoked(jti, sid, sub, azp, iat);
    }

    /**
     * Waits until the snapshot has been loaded once. Until then the client knows no revocation: without
     * {@code failClosedWhenStale} it would accept every token, so a resource server calls this before serving.
     *
     * @return whether the snapshot loaded within the timeout
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return firstSnapshot.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How long since Redis last answered this client (since the epoch before the first answer: stale). */
    public Duration staleness() {
        return Duration.between(lastContact, clock.instant());
    }

    public boolean isStale() {
        return staleness().compareTo(staleAfter) > 0;
    }

    /** The id of the last stream entry applied; a restart of the follower resumes after it. */
    public String lastAppliedId() {
        return lastId.toString();
    }

    /** How many times the snapshot was (re)loaded: once at start, again after falling behind a trimmed stream. */
    public long snapshotLoads() {
        return snapshotLoads;
    }

    public int liveRevocations() {
        return live.size();
    }

    private RevocationClient startFollowing() {
        follower.start();
        return this;
    }

    private void follow() {
        boolean needSnapshot = true;
        long backoffMillis = 100;
        while (running) {
            try {
                if (needSnapshot) {
                    loadSnapshot();
                    needSnapshot = false;
                } else if (fellBehindTrimmedStream()) {
                    LOG.info("Revocation stream was trimmed past the last applied entry; reloading the snapshot");
                    loadSnapshot();
                }
                readStream();
                backoffMillis = 100;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.FINE, "Revocation feed unavailable; retrying", e);
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    /** Snapshot then stream with no gap: remember where the stream ends, then read the snapshot. */
    private void loadSnapshot() {
        List<StreamEntry> newest = jedis.xrevrange(keys.stream(), (StreamEntryID) null, null, 1);
        StreamEntryID streamEnd = newest.isEmpty() ? new StreamEntryID(0, 0) : newest.get(0).getID();
        Map<String, String> records = jedis.hgetAll(keys.records());
        long now = clock.instant().getEpochSecond();
        // Merged into what is already known, never replacing it: a revocation is never taken back, and one
        // missing from the snapshot (a Redis that restarted without persistence) must not be forgotten early.
        for (String json : records.values()) {
            Revocation r = Revocation.fromJson(json);
            if (r.expiresAt() >= now) {
                live.apply(r);
            }
        }
        live.removeExpired(now);
        lastId = streamEnd;
        lastContact = clock.instant();
        snapshotLoads++;
        firstSnapshot.countDown();
    }

    private boolean fellBehindTrimmedStream() {
        if (lastId.equals(new StreamEntryID(0, 0))) {
            return false;
        }
        List<StreamEntry> oldest = jedis.xrange(keys.stream(), (StreamEntryID) null, null, 1);
        return !oldest.isEmpty() && oldest.get(0).getID().compareTo(lastId) > 0;
    }

    private void readStream() {
        List<Map.Entry<String, List<StreamEntry>>> batches = jedis.xread(
                XReadParams.xReadParams().count(1000).block((int) pollBlock.toMillis()),
                Map.of(keys.stream(), lastId));
        lastContact = clock.instant();
        if (batches == null) {
            return;
        }
        for (Map.Entry<String, List<StreamEntry>> batch : batches) {
            for (StreamEntry entry : batch.getValue()) {
                live.apply(Revocation.fromFields(entry.getFields()));
                lastId = entry.getID();
            }
        }
        live.removeExpired(clock.instant().getEpochSecond());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        follower.interrupt();
    }

    public static final class Builder {
        private final UnifiedJedis jedis;
        private final String realm;
        private String keyPrefix = "kcguard:";
        private Duration staleAfter = Duration.ofSeconds(30);
        private boolean failClosedWhenStale;
        private Duration pollBlock = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();

        private Builder(UnifiedJedis jedis, String realm) {
            this.jedis = Objects.requireNonNull(jedis, "jedis");
            this.realm = Objects.requireNonNull(realm, "realm");
        }

        /** The pack's {@code key-prefix} option (default {@code kcguard:}). */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** After how long without an answer from Redis the feed counts as stale (default 30 s). */
        public Builder staleAfter(Duration staleAfter) {
            this.staleAfter = staleAfter;
            return this;
        }

        /** Treat every token as revoked while the feed is stale (default: keep answering from memory). */
        public Builder failClosedWhenStale(boolean failClosed) {
            this.failClosedWhenStale = failClosed;
            return this;
        }

        /** How long one stream read waits for news (default 1 s); also bounds how fast close() returns. */
        public Builder pollBlock(Duration pollBlock) {
            this.pollBlock = pollBlock;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Starts following in a daemon thread; the snapshot loads in the background: see {@link #awaitReady}. */
        public RevocationClient start() {
            return new RevocationClient(this).startFollowing();
        }
    }
}
