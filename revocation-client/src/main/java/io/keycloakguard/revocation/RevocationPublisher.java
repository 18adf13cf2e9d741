package io.keycloakguard.revocation;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

import java.util.List;

/**
 * Writes revocations into Redis (contract v1). One script per revocation updates the snapshot, the
 * expiry index and the stream together, so a consumer that reads the snapshot and then follows the
 * stream never misses one; a revocation id published twice changes nothing the second time.
 */
public final class RevocationPublisher {

    /** Stream entries kept; a consumer further behind than this reloads the snapshot. */
    public static final long DEFAULT_STREAM_MAX_LENGTH = 100_000;

    private static final String PUBLISH = String.join("\n",
            "local exp = tonumber(ARGV[5])",
            "local now = tonumber(ARGV[6])",
            "if exp <= now then return 0 end",
            "if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', exp - now) then return 0 end",
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

    private final String prefix;
    private final long streamMaxLength;

    public RevocationPublisher(String prefix, long streamMaxLength) {
        this.prefix = prefix;
        this.streamMaxLength = streamMaxLength;
    }

    /**
     * @return true if Redis took it now; false if it was published before or has already expired
     */
    public boolean publish(UnifiedJedis jedis, Revocation r, long nowEpochSeconds) {
        RevocationKeys keys = new RevocationKeys(prefix, r.realm());
        Object result = jedis.eval(PUBLISH,
                List.of(keys.records(), keys.expiry(), keys.stream(), keys.seen(r.id())),
                List.of(r.id(), r.key(), r.toJson(), String.valueOf(r.time()), String.valueOf(r.expiresAt()),
                        String.valueOf(nowEpochSeconds), String.valueOf(streamMaxLength),
                        r.client() == null ? "" : r.client()));
        return Long.valueOf(1).equals(result);
    }

    /** Drops live-set entries that expired; returns how many. */
    public long removeExpired(UnifiedJedis jedis, String realm, long nowEpochSeconds) {
        RevocationKeys keys = new RevocationKeys(prefix, realm);
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
