package io.keycloakguard.revocation;

import io.keycloakguard.revocation.contract.Heartbeat;
import io.keycloakguard.revocation.contract.RevocationKeys;
import io.keycloakguard.revocation.contract.StreamIds;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a realm's live revocations in memory by loading the snapshot from Redis and following the stream, and
 * knows how fresh that is from the publisher heartbeat. {@link #isRevoked(Map)} never blocks on Redis.
 *
 * <pre>{@code
 * RevocationClient revocations = RevocationClient.builder(RedisClient.create("redis://redis:6379"), "my-realm")
 *         .keyPrefix("kcguard:").start();
 * revocations.awaitReady(Duration.ofSeconds(10)); // before serving: until then nothing is known to be revoked
 * if (revocations.isRevoked(verifiedClaims)) { reject(); }
 * }</pre>
 *
 * <p>The follower is one daemon thread. It survives every error: a lost connection, a Redis that restarted with or
 * without its data, a trimmed stream, an entry it cannot read (skipped and counted, see {@link #skipped()}).
 */
public final class RevocationClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RevocationClient.class.getName());

    /** How often the follower checks that the stream was not trimmed past it, besides after every reconnect. */
    private static final long TRIM_CHECK_MILLIS = 30_000;

    private final UnifiedJedis jedis;
    private final RevocationKeys keys;
    private final Duration staleAfter;
    private final boolean failClosedWhenStale;
    private final Duration pollBlock;
    private final Clock clock;
    private final Thread follower;

    private final FeedState state = new FeedState();
    private final CountDownLatch firstSnapshot = new CountDownLatch(1);
    private volatile long snapshotLoads;
    private volatile String lastError;
    private volatile boolean connected;
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
     * True when the claims belong to a revoked token, session, user, grant or client; also true while the feed is
     * stale beyond the bound, if built with {@code failClosedWhenStale}.
     */
    public boolean isRevoked(Map<String, ?> claims) {
        if (failClosedWhenStale && isStale()) {
            return true;
        }
        return state.isRevoked(claims);
    }

    /** Whether the feed itself revokes these claims, whatever its freshness (what {@link #isRevoked} adds to staleness). */
    public boolean isInFeed(Map<String, ?> claims) {
        return state.isRevoked(claims);
    }

    public boolean isRevoked(String jti, String sid, String sub, String azp, long iat) {
        if (failClosedWhenStale && isStale()) {
            return true;
        }
        return state.isRevoked(jti, sid, sub, azp, iat);
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

    public boolean isReady() {
        return firstSnapshot.getCount() == 0;
    }

    /**
     * How far behind Keycloak this client may be: the age of the newest publisher heartbeat it has confirmed
     * (see docs/revocation-contract.md). It grows when Redis does not answer this client, and also when Keycloak
     * cannot publish (Redis down for Keycloak only, a stuck outbox, Redis refusing writes).
     * {@code Duration.ofMillis(Long.MAX_VALUE)} before the first heartbeat.
     */
    public Duration staleness() {
        return Duration.ofMillis(state.stalenessMillis(clock.millis()));
    }

    public boolean isStale() {
        return state.stalenessMillis(clock.millis()) > staleAfter.toMillis();
    }

    /** Whether this client treats every token as revoked while the feed is stale (or not loaded yet). */
    public boolean failsClosed() {
        return failClosedWhenStale;
    }

    /** The id of the last stream entry applied; a restart of the follower resumes after it. */
    public String lastAppliedId() {
        return state.lastApplied();
    }

    /** How many times the snapshot was (re)loaded: once at start, again after a trimmed stream or a Redis that lost its data. */
    public long snapshotLoads() {
        return snapshotLoads;
    }

    /** Feed entries that could not be applied (unknown kind or version, malformed) and were skipped. */
    public long skipped() {
        return state.skipped();
    }

    public int liveRevocations() {
        return state.liveRevocations();
    }

    /** For a health endpoint: whether the client is ready, connected, fresh, and why not. */
    public Health health() {
        long staleness = state.stalenessMillis(clock.millis());
        return new Health(isReady(), connected, staleness > staleAfter.toMillis(),
                staleness == Long.MAX_VALUE ? null : Duration.ofMillis(staleness), state.lastApplied(),
                state.liveRevocations(), state.skipped(), state.outdated(), lastError);
    }

    /**
     * @param staleness null before the first confirmed heartbeat
     * @param outdated  the publisher writes a later contract revision than this client reads
     */
    public record Health(boolean ready, boolean connected, boolean stale, Duration staleness, String lastAppliedId,
                         int liveRevocations, long skippedEntries, boolean outdated, String lastError) {
    }

    private RevocationClient startFollowing() {
        follower.start();
        return this;
    }

    private void follow() {
        boolean reconnected = true;
        long lastTrimCheck = 0;
        long backoffMillis = 100;
        while (running) {
            try {
                if (!isReady()) {
                    loadSnapshot(false);
                } else if (reconnected || clock.millis() - lastTrimCheck > TRIM_CHECK_MILLIS) {
                    lastTrimCheck = clock.millis();
                    switch (streamPosition()) {
                        case REPLACED -> {
                            LOG.info("Keycloak Guard revocation feed: the stream ends before the last applied entry "
                                    + "(Redis was replaced or lost its data); reloading the snapshot from its start");
                            loadSnapshot(true);
                        }
                        case TRIMMED -> {
                            LOG.info("Keycloak Guard revocation feed: the stream no longer holds the last applied entry; "
                                    + "reloading the snapshot");
                            loadSnapshot(false);
                        }
                        case CONTINUOUS -> {
                        }
                    }
                }
                reconnected = false;
                readStream();
                readHeartbeat();
                state.removeExpired(clock.instant().getEpochSecond());
                connected = true;
                lastError = null;
                backoffMillis = 100;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (connected || lastError == null) {
                    LOG.log(Level.WARNING, "Keycloak Guard revocation feed: Redis unavailable ({0}); retrying", e.toString());
                }
                connected = false;
                lastError = String.valueOf(e.getMessage());
                reconnected = true;
                sleep(backoffMillis);
                // Capped low: right after Redis answers again the follower is back within a quarter second.
                backoffMillis = Math.min(backoffMillis * 2, 250);
            }
        }
    }

    /** Snapshot then stream with no gap: remember where the stream ends, then read the snapshot. */
    private void loadSnapshot(boolean positionReset) {
        List<StreamEntry> newest = jedis.xrevrange(keys.stream(), (StreamEntryID) null, null, 1);
        String streamEnd = newest.isEmpty() ? StreamIds.ZERO : newest.get(0).getID().toString();
        Map<String, String> records = jedis.hgetAll(keys.records());
        state.loadSnapshot(streamEnd, records.values(), clock.instant().getEpochSecond(), positionReset);
        snapshotLoads++;
        firstSnapshot.countDown();
        readHeartbeat();
    }

    private enum StreamPosition { CONTINUOUS, TRIMMED, REPLACED }

    /**
     * Whether reading on from the last applied entry misses nothing: the stream may have been trimmed past it (the
     * reader was away for a long time), or replaced by one whose ids are all before it (a new Redis, or one that lost
     * its data and whose clock is behind): then {@code XREAD} from the old position would never see its entries.
     */
    private StreamPosition streamPosition() {
        String last = state.lastApplied();
        if (StreamIds.ZERO.equals(last)) {
            return StreamPosition.CONTINUOUS;
        }
        List<StreamEntry> newest = jedis.xrevrange(keys.stream(), (StreamEntryID) null, null, 1);
        if (newest.isEmpty() || StreamIds.compare(newest.get(0).getID().toString(), last) < 0) {
            return StreamPosition.REPLACED;
        }
        List<StreamEntry> oldest = jedis.xrange(keys.stream(), (StreamEntryID) null, null, 1);
        return !oldest.isEmpty() && StreamIds.compare(oldest.get(0).getID().toString(), last) > 0
                ? StreamPosition.TRIMMED : StreamPosition.CONTINUOUS;
    }

    private void readStream() {
        List<Map.Entry<String, List<StreamEntry>>> batches = jedis.xread(
                XReadParams.xReadParams().count(1000).block((int) pollBlock.toMillis()),
                Map.of(keys.stream(), new StreamEntryID(state.lastApplied())));
        if (batches == null) {
            return;
        }
        for (Map.Entry<String, List<StreamEntry>> batch : batches) {
            for (StreamEntry entry : batch.getValue()) {
                state.applyEntry(entry.getID().toString(), entry.getFields());
            }
        }
    }

    private void readHeartbeat() {
        Heartbeat.fromFields(jedis.hgetAll(keys.heartbeat())).ifPresent(state::observeHeartbeat);
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
        private Duration staleAfter = Duration.ofSeconds(10);
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

        /**
         * When the feed counts as stale: the newest confirmed publisher heartbeat is older than this (default 10 s;
         * Keycloak writes one every 2 s by default, so keep it well above the pack's heartbeat-interval).
         */
        public Builder staleAfter(Duration staleAfter) {
            this.staleAfter = staleAfter;
            return this;
        }

        /** Treat every token as revoked while the feed is stale or not loaded yet (default: keep answering from memory). */
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
