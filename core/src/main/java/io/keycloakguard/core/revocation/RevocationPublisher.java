package io.keycloakguard.core.revocation;

import io.keycloakguard.revocation.contract.ContractRevision;
import io.keycloakguard.revocation.contract.Heartbeat;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKeys;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes the revocation feed (contract v1, docs/revocation-contract.md). One script per revocation updates the
 * snapshot, the expiry index and the stream together, so a consumer that reads the snapshot and then follows the
 * stream never misses one; a revocation id published twice changes nothing the second time. Every script touches
 * only keys of one realm, which share a Cluster hash slot.
 */
public final class RevocationPublisher {

    /** Stream entries kept; a consumer further behind than this reloads the snapshot. */
    public static final long DEFAULT_STREAM_MAX_LENGTH = 100_000;

    private static final String PUBLISH = String.join("\n",
            "local exp = tonumber(ARGV[5])",
            "local now = tonumber(ARGV[6])",
            "if exp <= now then return 0 end",
            // Published before: touch the marker anyway, a write, so that a WAIT after a redelivery proves the replicas
            // have the record too (a retry after a failed WAIT must not pass on an empty connection offset).
            "if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', exp - now) then",
            "  redis.call('EXPIRE', KEYS[4], exp - now)",
            "  return 0",
            "end",
            "local incoming = cjson.decode(ARGV[3])",
            "local winner = incoming",
            "local current = redis.call('HGET', KEYS[1], ARGV[2])",
            "if current then",
            "  local c = cjson.decode(current)",
            "  if tonumber(c['time']) > tonumber(incoming['time']) then winner = c end",
            "  if tonumber(c['exp']) > exp then exp = tonumber(c['exp']) end",
            "end",
            "winner['exp'] = exp",
            "redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(winner))",
            "redis.call('ZADD', KEYS[2], exp, ARGV[2])",
            "redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*',",
            "  'v', '1', 'id', ARGV[1], 'realm', incoming['realm'], 'kind', incoming['kind'],",
            "  'subject', incoming['subject'], 'client', ARGV[8], 'time', ARGV[4], 'exp', ARGV[5],",
            "  'reason', incoming['reason'])",
            "return 1");

    /**
     * The heartbeat: moves drained_to forward only, and records the stream's newest id in the same atomic step, so
     * that "everything committed before drained_to is at or before stream" holds for whoever reads it. A realm with
     * live records in the ledger gets no heartbeat while its data marker is missing: Redis lost its data and the
     * ledger check has not given it the records back yet, so a reader that loads the snapshot now would miss them and
     * must see the feed as stale. A realm without live records has nothing to give back: its marker is set here.
     */
    private static final String HEARTBEAT = String.join("\n",
            "if redis.call('EXISTS', KEYS[3]) == 0 then",
            "  if ARGV[5] == '1' then return -1 end",
            "  redis.call('SET', KEYS[3], ARGV[6])",
            "end",
            "local current = redis.call('HGET', KEYS[1], 'drained_to')",
            "if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end",
            "local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)",
            "local id = '0-0'",
            "if newest[1] then id = newest[1][1] end",
            "redis.call('HSET', KEYS[1], 'drained_to', ARGV[1], 'stream', id, 'written', ARGV[2], 'node', ARGV[3],",
            "  'rev', ARGV[4])",
            "return 1");

    /** Of the revocation ids given, those Redis has no seen-marker for (never published, or lost since). */
    private static final String MISSING = String.join("\n",
            "local missing = {}",
            "for i, key in ipairs(KEYS) do",
            "  if redis.call('EXISTS', key) == 0 then table.insert(missing, ARGV[i]) end",
            "end",
            "return missing");

    private final String prefix;
    private final long streamMaxLength;

    public RevocationPublisher(String prefix, long streamMaxLength) {
        this.prefix = prefix;
        this.streamMaxLength = streamMaxLength;
    }

    public RevocationKeys keys(String realm) {
        return new RevocationKeys(prefix, realm);
    }

    /**
     * @return true if Redis took it now; false if it was published before or has already expired
     */
    public boolean publish(UnifiedJedis jedis, Revocation r, long nowEpochSeconds) {
        return Long.valueOf(1).equals(jedis.eval(PUBLISH, publishKeys(r), publishArgs(r, nowEpochSeconds)));
    }

    /** The same in a pipeline: one connection, so that a WAIT after it covers these writes. */
    public Response<Object> publish(AbstractPipeline pipeline, Revocation r, long nowEpochSeconds) {
        return pipeline.eval(PUBLISH, publishKeys(r), publishArgs(r, nowEpochSeconds));
    }

    private List<String> publishKeys(Revocation r) {
        RevocationKeys keys = keys(r.realm());
        return List.of(keys.records(), keys.expiry(), keys.stream(), keys.seen(r.id()));
    }

    private List<String> publishArgs(Revocation r, long nowEpochSeconds) {
        return List.of(r.id(), r.key(), r.toJson(), String.valueOf(r.time()), String.valueOf(r.expiresAt()),
                String.valueOf(nowEpochSeconds), String.valueOf(streamMaxLength), r.client() == null ? "" : r.client());
    }

    /**
     * Writes the realm's heartbeat: every revocation committed before {@code drainedToMillis} has been published.
     *
     * @param hasLiveRecords whether the ledger holds live records of the realm (then a missing data marker means they
     *                       are not in Redis yet, and no heartbeat is written)
     * @return 1 written, 0 a heartbeat at least as recent is there, -1 withheld until the realm's records are back
     */
    public long heartbeat(UnifiedJedis jedis, String realm, long drainedToMillis, long nowMillis, String node,
                          boolean hasLiveRecords) {
        RevocationKeys keys = keys(realm);
        Object result = jedis.eval(HEARTBEAT, List.of(keys.heartbeat(), keys.stream(), keys.epoch()),
                List.of(String.valueOf(drainedToMillis), String.valueOf(nowMillis), node,
                        String.valueOf(ContractRevision.CURRENT), hasLiveRecords ? "1" : "0", UUID.randomUUID().toString()));
        return ((Number) result).longValue();
    }

    /** The realm's heartbeat as Redis has it now. */
    public java.util.Optional<Heartbeat> readHeartbeat(UnifiedJedis jedis, String realm) {
        return Heartbeat.fromFields(jedis.hgetAll(keys(realm).heartbeat()));
    }

    /** Whether Redis still has the realm's data marker (gone: Redis or the realm's Cluster shard lost its data). */
    public boolean hasMarker(UnifiedJedis jedis, String realm) {
        return jedis.exists(keys(realm).epoch());
    }

    public void setMarker(UnifiedJedis jedis, String realm, String value) {
        jedis.set(keys(realm).epoch(), value);
    }

    /** Of these revocation ids of one realm, the ones Redis has no trace of. */
    @SuppressWarnings("unchecked")
    public List<String> missing(UnifiedJedis jedis, String realm, List<String> revocationIds) {
        if (revocationIds.isEmpty()) {
            return List.of();
        }
        RevocationKeys keys = keys(realm);
        List<String> seenKeys = new ArrayList<>(revocationIds.size());
        revocationIds.forEach(id -> seenKeys.add(keys.seen(id)));
        return (List<String>) jedis.eval(MISSING, seenKeys, revocationIds);
    }

    /** Drops live-set entries that expired; returns how many. */
    public long removeExpired(UnifiedJedis jedis, String realm, long nowEpochSeconds) {
        RevocationKeys keys = keys(realm);
        List<Tuple> expired = jedis.zrangeByScoreWithScores(keys.expiry(), Double.NEGATIVE_INFINITY, nowEpochSeconds, 0, 1000);
        long removed = 0;
        for (Tuple t : expired) {
            // ZREM first: only the node that removes it deletes the record, and a fresh ZADD in between wins.
            if (jedis.zrem(keys.expiry(), t.getElement()) == 1) {
                jedis.hdel(keys.records(), t.getElement());
                removed++;
            }
        }
        return removed;
    }
}
