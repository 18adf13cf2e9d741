package io.keycloakguard.revocation;

import io.keycloakguard.revocation.contract.ContractRevision;
import io.keycloakguard.revocation.contract.Heartbeat;
import io.keycloakguard.revocation.contract.MalformedRevocationException;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.StreamIds;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a reader of one realm's feed knows, without any I/O: the live revocations, the stream position, the
 * newest confirmed publisher heartbeat, and the entries it had to skip. {@link RevocationClient} feeds it from
 * Redis; the conformance cases (revocation-contract/conformance) drive it directly, and so do the other languages'
 * packages with their own copy of this logic.
 *
 * <p>One thread (the follower) changes it; any number of threads may ask {@link #isRevoked} and
 * {@link #stalenessMillis} at the same time.
 */
public final class FeedState {

    private static final Logger LOG = Logger.getLogger(FeedState.class.getName());

    private final RevocationSet live = new RevocationSet();
    private final AtomicLong skipped = new AtomicLong();
    private volatile String lastApplied = StreamIds.ZERO;
    /** Every revocation Keycloak committed before this (epoch ms) has been applied; MIN_VALUE: none confirmed yet. */
    private volatile long confirmedDrainedTo = Long.MIN_VALUE;
    private volatile Heartbeat pending;
    private volatile int publisherRevision;
    private volatile boolean loaded;

    /**
     * Merges a snapshot: the values of the records hash, read after the stream's newest id {@code streamEnd}.
     * Merged into what is already known, never replacing it: a revocation is never taken back, and one missing
     * from the snapshot (a Redis that restarted without its data) must not be forgotten early.
     */
    public void loadSnapshot(String streamEnd, Collection<String> records, long nowEpochSeconds) {
        loadSnapshot(streamEnd, records, nowEpochSeconds, false);
    }

    /**
     * As {@link #loadSnapshot(String, Collection, long)}; with {@code positionReset} the stream is taken to have been
     * replaced (its newest id is before the last one this reader applied: a new Redis, or one that lost its data), so
     * the position moves back to {@code streamEnd} and a heartbeat that named a position of the old stream is dropped.
     */
    public void loadSnapshot(String streamEnd, Collection<String> records, long nowEpochSeconds, boolean positionReset) {
        for (String json : records) {
            try {
                Revocation r = Revocation.fromJson(json);
                if (r.expiresAt() >= nowEpochSeconds) {
                    live.apply(r);
                }
            } catch (MalformedRevocationException e) {
                skip("snapshot record", e);
            }
        }
        if (positionReset && StreamIds.isValid(streamEnd)) {
            lastApplied = streamEnd;
            pending = null;
        } else if (StreamIds.isValid(streamEnd) && StreamIds.compare(streamEnd, lastApplied) > 0) {
            lastApplied = streamEnd;
        }
        loaded = true;
        confirmPending();
    }

    /** Applies one stream entry (or skips and counts it when it cannot be applied) and moves past it. */
    public void applyEntry(String id, Map<String, String> fields) {
        try {
            live.apply(Revocation.fromFields(fields));
        } catch (MalformedRevocationException e) {
            skip("stream entry " + id, e);
        }
        if (StreamIds.isValid(id) && StreamIds.compare(id, lastApplied) > 0) {
            lastApplied = id;
        }
        confirmPending();
    }

    /**
     * A heartbeat read from Redis. It counts once every entry up to its stream id has been applied: only then is it
     * true that nothing committed before its {@code drained_to} is missing here.
     */
    public void observeHeartbeat(Heartbeat heartbeat) {
        if (heartbeat == null) {
            return;
        }
        publisherRevision = Math.max(publisherRevision, heartbeat.revision());
        Heartbeat waiting = pending;
        if (waiting == null || heartbeat.drainedToMillis() > waiting.drainedToMillis()) {
            pending = heartbeat;
        }
        confirmPending();
    }

    private void confirmPending() {
        Heartbeat waiting = pending;
        if (waiting != null && loaded && StreamIds.compare(waiting.streamId(), lastApplied) <= 0) {
            confirmedDrainedTo = Math.max(confirmedDrainedTo, waiting.drainedToMillis());
            pending = null;
        }
    }

    /** How far behind Keycloak this reader may be: now minus the newest confirmed heartbeat; MAX_VALUE before the first. */
    public long stalenessMillis(long nowMillis) {
        long confirmed = confirmedDrainedTo;
        return confirmed == Long.MIN_VALUE ? Long.MAX_VALUE : Math.max(0, nowMillis - confirmed);
    }

    public boolean isRevoked(Map<String, ?> claims) {
        return live.isRevoked(claims);
    }

    public boolean isRevoked(String jti, String sid, String sub, String azp, long iat) {
        return live.isRevoked(jti, sid, sub, azp, iat);
    }

    public void removeExpired(long nowEpochSeconds) {
        live.removeExpired(nowEpochSeconds);
    }

    /** Whether a snapshot has been loaded (before that, nothing is known to be revoked). */
    public boolean loaded() {
        return loaded;
    }

    public String lastApplied() {
        return lastApplied;
    }

    /** Entries that could not be applied (unknown kind or version, malformed), since start. */
    public long skipped() {
        return skipped.get();
    }

    /** Whether the publisher writes a later revision of the contract than this reader knows (update the reader). */
    public boolean outdated() {
        return publisherRevision > ContractRevision.CURRENT;
    }

    public int liveRevocations() {
        return live.size();
    }

    private void skip(String what, MalformedRevocationException e) {
        long n = skipped.incrementAndGet();
        // Every skipped entry may be a revocation this reader does not honour: say so, but not once per entry forever.
        if (n <= 10 || Long.bitCount(n) == 1) {
            LOG.log(Level.WARNING, "Keycloak Guard revocation feed: skipped {0} ({1}); {2} skipped so far. "
                    + "If this reader is older than the publisher, update it.", new Object[] {what, e.getMessage(), n});
        }
    }
}
