package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.redis.RedisConnectionProvider;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The failed logins of one address in one realm, in Redis, shared by every Keycloak node: a sorted set
 * {@code <prefix>ratelimit:v1:<realmId>:<address>} of failures scored by the time Redis recorded them.
 * Both scripts read Redis's own clock, so nodes whose clocks disagree still share one timeline.
 */
final class FailureLedger {

    /**
     * KEYS[1] the address's set; ARGV[1] a unique member suffix; ARGV[2] how long a failure matters (ms);
     * ARGV[3] the most failures worth keeping. Adds one failure, forgets what no window can see any more,
     * and lets the whole set expire when no failure follows.
     */
    static final String RECORD = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local keep = tonumber(ARGV[2])
            redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - keep)
            local size = redis.call('ZCARD', KEYS[1])
            local cap = tonumber(ARGV[3])
            if size > cap then
              redis.call('ZREMRANGEBYRANK', KEYS[1], 0, size - cap - 1)
              size = cap
            end
            redis.call('PEXPIRE', KEYS[1], keep)
            return size
            """;

    /**
     * KEYS[1] the address's set; ARGV pairs of (window length ms, max). Returns Redis's time, then per
     * window the failures inside it and the time of the failure at position count - max (oldest first),
     * the one whose ageing out lets the address try again, or -1 while under the limit.
     */
    static final String COUNT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local out = {now}
            for i = 1, #ARGV, 2 do
              local from = '(' .. (now - tonumber(ARGV[i]))
              local max = tonumber(ARGV[i + 1])
              local count = redis.call('ZCOUNT', KEYS[1], from, '+inf')
              local releasing = -1
              if count >= max then
                local hit = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'WITHSCORES', 'LIMIT', count - max, 1)
                if hit[2] then releasing = tonumber(hit[2]) end
              end
              out[#out + 1] = count
              out[#out + 1] = releasing
            end
            return out
            """;

    private static final String RECORD_SHA = sha1(RECORD);
    private static final String COUNT_SHA = sha1(COUNT);

    private final RedisConnectionProvider redis;

    FailureLedger(RedisConnectionProvider redis) {
        this.redis = redis;
    }

    String key(String realmId, String address) {
        return redis.key("ratelimit", "v1", realmId, address);
    }

    /** Records one failed login; {@code keep} is the longest window that looks at it, {@code cap} the largest limit. */
    void record(String realmId, String address, Duration keep, int cap) {
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
        run(RECORD, RECORD_SHA, key(realmId, address),
                List.of(suffix, String.valueOf(keep.toMillis()), String.valueOf(Math.max(1, cap))));
    }

    /** Counts the address's failures in each window, in one round trip. */
    Decision check(String realmId, String address, List<Window> windows) {
        List<String> args = new ArrayList<>(windows.size() * 2);
        for (Window w : windows) {
            args.add(String.valueOf(w.length().toMillis()));
            args.add(String.valueOf(w.max()));
        }
        List<?> reply = (List<?>) run(COUNT, COUNT_SHA, key(realmId, address), args);
        long now = ((Number) reply.get(0)).longValue();
        List<Decision.Count> counts = new ArrayList<>(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            counts.add(new Decision.Count(windows.get(i), ((Number) reply.get(1 + 2 * i)).longValue(),
                    ((Number) reply.get(2 + 2 * i)).longValue()));
        }
        return Decision.of(now, counts);
    }

    private Object run(String script, String sha, String key, List<String> args) {
        return redis.execute((UnifiedJedis jedis) -> {
            try {
                return jedis.evalsha(sha, List.of(key), args);
            } catch (JedisNoScriptException e) {
                // First use on this Redis (or after a restart or SCRIPT FLUSH): EVAL loads it.
                return jedis.eval(script, List.of(key), args);
            }
        });
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
