package io.keycloakguard.core.status;

import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.core.redis.RedisConnector;
import redis.clients.jedis.UnifiedJedis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How full a Redis is, for operators: {@code used_memory} against {@code maxmemory} from {@code INFO memory}. Once
 * Redis is full under {@code noeviction}, every write fails: the revocation feed among them, so logouts stop
 * reaching resource servers. The alarm goes up before that, at {@value #ALARM_PERCENT}%.
 */
public final class RedisMemory {

    static final int ALARM_PERCENT = 90;

    private RedisMemory() {
    }

    /** The memory fields of the pack's Redis, or an {@code error} when it cannot say (down, INFO refused, a cluster). */
    public static Map<String, Object> of(RedisConnectionProvider redis) {
        return of(() -> redis.execute((UnifiedJedis jedis) -> jedis.info("memory")));
    }

    /** The same for another Redis of the pack (e.g. the rate limit's own). */
    public static Map<String, Object> of(RedisConnector redis) {
        return of(() -> redis.execute((UnifiedJedis jedis) -> jedis.info("memory")));
    }

    private static Map<String, Object> of(Supplier<String> info) {
        try {
            return describe(info.get());
        } catch (RuntimeException e) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return out;
        }
    }

    /** From the text of {@code INFO memory}. */
    static Map<String, Object> describe(String info) {
        long used = -1;
        long max = -1;
        String policy = null;
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "used_memory" -> used = Long.parseLong(value);
                case "maxmemory" -> max = Long.parseLong(value);
                case "maxmemory_policy" -> policy = value;
                default -> {
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("usedBytes", used);
        out.put("maxBytes", max);
        out.put("policy", policy);
        if (max > 0 && used >= 0) {
            long percent = used * 100 / max;
            out.put("usedPercent", percent);
            out.put("alarm", percent >= ALARM_PERCENT);
        } else {
            // No maxmemory: Redis grows until the machine runs out, and nothing warns before.
            out.put("alarm", false);
            out.put("note", "no maxmemory set: Redis is not limited, so this cannot tell how close it is to full");
        }
        return out;
    }
}
