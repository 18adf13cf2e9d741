package io.keycloakguard.authenticators.ratelimit;

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
import java.util.function.Function;

/**
 * The failed logins of one subject (an IPv4 address or an IPv6 network) in one realm, in Redis, shared by every
 * Keycloak node: a sorted set {@code <prefix>ratelimit:v2:{<realmId>}:<subject>} of attempts scored by the time
 * Redis recorded them (each member a random 32-bit tag: the score holds the time, and a short member keeps a subject
 * with its largest number of entries at about 20 bytes each), and per realm an index {@code <prefix>ratelimit:v2:{<realmId>}:tracked} of the subjects with
 * a set, scored by their last attempt. Every script reads Redis's own clock, so nodes whose clocks disagree still
 * share one timeline; {@code {<realmId>}} keeps a realm's keys in one Redis Cluster slot, as the scripts need.
 *
 * <p>Checking and counting are one step ({@link #admit}): an attempt that may go on is recorded at once, before
 * its password is tried, so attempts sent in parallel cannot all pass the check before any is counted. A login
 * that turns out not to fail gives its entry back ({@link #release}). The index holds at most
 * {@code maxTracked} subjects: a new one pushes out the subject whose last attempt is oldest (and its set), so
 * however many addresses an attacker has, the limiter's memory stays bounded.
 */
final class FailureLedger {

    /** Shared by the scripts below: forget expired subjects, make room for a new one, note the attempt. */
    private static final String TRACK = """
            local function track(index, subject, now, keep, maxTracked, base)
              redis.call('ZREMRANGEBYSCORE', index, '-inf', now - keep)
              if not redis.call('ZSCORE', index, subject) then
                local n = redis.call('ZCARD', index)
                while n >= maxTracked do
                  local oldest = redis.call('ZPOPMIN', index)
                  if #oldest == 0 then break end
                  redis.call('DEL', base .. oldest[1])
                  n = n - 1
                end
              end
              redis.call('ZADD', index, now, subject)
              redis.call('PEXPIRE', index, keep)
            end
            local function add(key, member, now, keep, cap)
              redis.call('ZADD', key, now, member)
              redis.call('ZREMRANGEBYSCORE', key, '-inf', now - keep)
              local size = redis.call('ZCARD', key)
              if size > cap then
                redis.call('ZREMRANGEBYRANK', key, 0, size - cap - 1)
              end
              redis.call('PEXPIRE', key, keep)
            end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /**
     * Records one failure that no admission reserved. KEYS[1] the subject's set, KEYS[2] the realm's index; ARGV[1]
     * a unique member suffix, ARGV[2] how long a failure matters (ms), ARGV[3] the most entries worth keeping,
     * ARGV[4] the most subjects tracked, ARGV[5] the subject, ARGV[6] the key of a subject without the subject.
     */
    static final String RECORD = TRACK + """
            local keep = tonumber(ARGV[2])
            track(KEYS[2], ARGV[5], now, keep, tonumber(ARGV[4]), ARGV[6])
            add(KEYS[1], ARGV[1], now, keep, math.max(1, tonumber(ARGV[3])))
            return redis.call('ZCARD', KEYS[1])
            """;

    /**
     * Checks every window and, when none blocks and ARGV[7] is 1, records the attempt in the same step. KEYS and
     * ARGV[1..6] as {@link #RECORD}; then pairs of (window length ms, max). Returns Redis's time, the recorded member
     * (empty when blocked or only checking), then per window the attempts inside it and the time of the attempt at
     * position count - max (oldest first), the one whose ageing out lets the subject try again, or -1.
     */
    static final String ADMIT = TRACK + """
            local out = {now, ''}
            local blocked = false
            for i = 8, #ARGV, 2 do
              local from = '(' .. (now - tonumber(ARGV[i]))
              local max = tonumber(ARGV[i + 1])
              local count = redis.call('ZCOUNT', KEYS[1], from, '+inf')
              local releasing = -1
              if count >= max then
                blocked = true
                local hit = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'WITHSCORES', 'LIMIT', count - max, 1)
                if hit[2] then releasing = tonumber(hit[2]) end
              end
              out[#out + 1] = count
              out[#out + 1] = releasing
            end
            if not blocked and ARGV[7] == '1' then
              local keep = tonumber(ARGV[2])
              track(KEYS[2], ARGV[5], now, keep, tonumber(ARGV[4]), ARGV[6])
              add(KEYS[1], ARGV[1], now, keep, math.max(1, tonumber(ARGV[3])))
              out[2] = ARGV[1]
            end
            return out
            """;

    /** Gives back an admitted attempt that did not fail. KEYS as {@link #RECORD}; ARGV[1] the member, ARGV[2] the subject. */
    static final String RELEASE = """
            redis.call('ZREM', KEYS[1], ARGV[1])
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('ZREM', KEYS[2], ARGV[2])
            end
            return 1
            """;

    /** How many subjects the realm tracks now. KEYS[1] the index; ARGV[1] how long a failure matters (ms). */
    static final String TRACKED = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
            return redis.call('ZCARD', KEYS[1])
            """;

    private static final String RECORD_SHA = sha1(RECORD);
    private static final String ADMIT_SHA = sha1(ADMIT);
    private static final String RELEASE_SHA = sha1(RELEASE);
    private static final String TRACKED_SHA = sha1(TRACKED);

    /** What an admission decided, and the entry it recorded (null when it only checked or was blocked). */
    record Admission(Decision decision, String member) {
    }

    /** Runs one operation on the limiter's Redis: the pack's ({@code RedisConnectionProvider}) or its own connector. */
    interface Store {
        <T> T execute(Function<UnifiedJedis, T> operation);
    }

    private final Store redis;
    private final String keyPrefix;
    private final int maxTracked;

    FailureLedger(Store redis, String keyPrefix, int maxTracked) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.maxTracked = maxTracked;
    }

    /** The realm's part of every key: {@code {realmId}} is a Redis Cluster hash tag, so the scripts may use them together. */
    private String base(String realmId) {
        return keyPrefix + "ratelimit:v2:{" + realmId + "}:";
    }

    String key(String realmId, String subject) {
        return base(realmId) + subject;
    }

    String index(String realmId) {
        return base(realmId) + "tracked";
    }

    /** Records one failed login nobody admitted; {@code keep} is the longest window that looks at it, {@code cap} the largest limit. */
    void record(String realmId, String subject, Duration keep, int cap) {
        run(RECORD, RECORD_SHA, List.of(key(realmId, subject), index(realmId)),
                List.of(suffix(), String.valueOf(keep.toMillis()), String.valueOf(cap), String.valueOf(maxTracked),
                        subject, base(realmId)));
    }

    /**
     * Counts the subject's attempts in each window and, with {@code reserve} and nothing blocking, records this
     * attempt in the same step.
     */
    Admission admit(String realmId, String subject, List<Window> windows, Duration keep, int cap, boolean reserve) {
        List<String> args = new ArrayList<>(List.of(suffix(), String.valueOf(keep.toMillis()), String.valueOf(cap),
                String.valueOf(maxTracked), subject, base(realmId), reserve ? "1" : "0"));
        for (Window w : windows) {
            args.add(String.valueOf(w.length().toMillis()));
            args.add(String.valueOf(w.max()));
        }
        List<?> reply = (List<?>) run(ADMIT, ADMIT_SHA, List.of(key(realmId, subject), index(realmId)), args);
        long now = ((Number) reply.get(0)).longValue();
        String member = reply.get(1) instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(reply.get(1));
        List<Decision.Count> counts = new ArrayList<>(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            counts.add(new Decision.Count(windows.get(i), ((Number) reply.get(2 + 2 * i)).longValue(),
                    ((Number) reply.get(3 + 2 * i)).longValue()));
        }
        return new Admission(Decision.of(now, counts), member.isEmpty() ? null : member);
    }

    /** Gives back the entry an admission recorded for a login that did not fail. */
    void release(String realmId, String subject, String member) {
        run(RELEASE, RELEASE_SHA, List.of(key(realmId, subject), index(realmId)), List.of(member, subject));
    }

    /** The subjects the realm tracks (whose last attempt is younger than {@code keep}). */
    long tracked(String realmId, Duration keep) {
        return ((Number) run(TRACKED, TRACKED_SHA, List.of(index(realmId)),
                List.of(String.valueOf(Math.max(1, keep.toMillis()))))).longValue();
    }

    /** A member for one attempt: unique enough among the at most a few hundred entries of one subject. */
    private static String suffix() {
        return String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    private Object run(String script, String sha, List<String> keys, List<String> args) {
        return redis.execute((UnifiedJedis jedis) -> {
            try {
                return jedis.evalsha(sha, keys, args);
            } catch (JedisNoScriptException e) {
                // First use on this Redis (or after a restart or SCRIPT FLUSH): EVAL loads it.
                return jedis.eval(script, keys, args);
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
