package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.InvalidConfigurationException;
import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.net.CidrList;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The per-IP rate limit's configuration, parsed once from the authenticator config map. A window of 0 is
 * off; the long window and the burst window are checked independently. IPv6 addresses are counted by their
 * network ({@code ipv6Prefix} bits): one household or server gets a whole /64 and picks any address in it.
 */
public record RateLimitConfig(int maxFailures, Duration window, int burstMax, Duration burstWindow,
                              CidrList allowList, RedisDownAction onRedisUnavailable, int ipv6Prefix) {

    public static final String MAX_FAILURES = "maxFailures";
    public static final String WINDOW = "window";
    public static final String BURST_MAX = "burstMax";
    public static final String BURST_WINDOW = "burstWindow";
    public static final String ALLOW_LIST = "allowList";
    public static final String ON_REDIS_UNAVAILABLE = "onRedisUnavailable";
    public static final String IPV6_PREFIX = "ipv6Prefix";

    public static final int DEFAULT_MAX_FAILURES = 100;
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    public static final int DEFAULT_BURST_MAX = 10;
    public static final Duration DEFAULT_BURST_WINDOW = Duration.ofMinutes(1);
    /** What a provider hands one customer (RIPE-690, RFC 6177): the unit an attacker can rotate through freely. */
    public static final int DEFAULT_IPV6_PREFIX = 64;
    public static final int SHORTEST_IPV6_PREFIX = 32;

    public static final int MAX_LIMIT = 100_000;
    public static final Duration SHORTEST_WINDOW = Duration.ofSeconds(1);
    public static final Duration LONGEST_WINDOW = Duration.ofDays(30);

    /** An execution without a config gets these (Auth0's 100 failures per 24 h, 10 per minute). */
    public static final RateLimitConfig DEFAULTS = new RateLimitConfig(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW,
            DEFAULT_BURST_MAX, DEFAULT_BURST_WINDOW, CidrList.EMPTY, RedisDownAction.ALLOW, DEFAULT_IPV6_PREFIX);

    /** The names an admin sees in the console, for error messages. */
    private static final Map<String, String> LABELS = Map.of(
            MAX_FAILURES, "Max failures per window",
            WINDOW, "Window",
            BURST_MAX, "Burst max",
            BURST_WINDOW, "Burst window",
            ALLOW_LIST, "Allow-list",
            ON_REDIS_UNAVAILABLE, "When Redis is unavailable",
            IPV6_PREFIX, "IPv6 prefix length");

    static String label(String key) {
        return LABELS.getOrDefault(key, key);
    }

    /**
     * Parses a raw config map; every problem is reported at once, each naming the field and the value.
     *
     * @throws InvalidConfigurationException listing every problem found
     */
    public static RateLimitConfig parse(Map<String, String> raw) {
        List<String> problems = new ArrayList<>();
        RateLimitConfig config = parse(raw, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(String.join("; ", problems));
        }
        return config;
    }

    /** Parses what it can and adds every problem to {@code problems}; the result is null when there are any. */
    static RateLimitConfig parse(Map<String, String> raw, List<String> problems) {
        Map<String, String> config = raw == null ? Map.of() : raw;
        OptionReader options = new OptionReader(config::get, RateLimitConfig::label);
        int before = problems.size();
        int maxFailures = read(problems, DEFAULT_MAX_FAILURES,
                () -> options.integer(MAX_FAILURES, DEFAULT_MAX_FAILURES, 1, MAX_LIMIT));
        Duration window = read(problems, DEFAULT_WINDOW, () -> windowLength(options, WINDOW, DEFAULT_WINDOW));
        int burstMax = read(problems, DEFAULT_BURST_MAX,
                () -> options.integer(BURST_MAX, DEFAULT_BURST_MAX, 1, MAX_LIMIT));
        Duration burstWindow = read(problems, DEFAULT_BURST_WINDOW,
                () -> windowLength(options, BURST_WINDOW, DEFAULT_BURST_WINDOW));
        CidrList allowList = read(problems, CidrList.EMPTY,
                () -> CidrList.parse(label(ALLOW_LIST), config.get(ALLOW_LIST)));
        RedisDownAction onUnavailable = read(problems, RedisDownAction.ALLOW,
                () -> options.choice(ON_REDIS_UNAVAILABLE, RedisDownAction.ALLOW, RedisDownAction.class));
        int ipv6Prefix = read(problems, DEFAULT_IPV6_PREFIX,
                () -> options.integer(IPV6_PREFIX, DEFAULT_IPV6_PREFIX, SHORTEST_IPV6_PREFIX, 128));
        if (problems.size() == before && window.isZero() && burstWindow.isZero()) {
            problems.add("Window and Burst window are both 0: nothing would be limited; remove the execution instead");
        }
        if (problems.size() > before) {
            return null;
        }
        return new RateLimitConfig(maxFailures, window, burstMax, burstWindow, allowList, onUnavailable, ipv6Prefix);
    }

    /** The windows in force (a window of 0 is off), the long one first. */
    public List<Window> windows() {
        List<Window> windows = new ArrayList<>(2);
        if (!window.isZero()) {
            windows.add(new Window("window", maxFailures, window));
        }
        if (!burstWindow.isZero()) {
            windows.add(new Window("burst", burstMax, burstWindow));
        }
        return windows;
    }

    /** How long a failure matters to this config: the longest window in force. */
    public Duration longestWindow() {
        return windows().stream().map(Window::length).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** The most failures a window in force allows: older ones never change a decision. */
    public int largestLimit() {
        return windows().stream().mapToInt(Window::max).max().orElse(0);
    }

    /** A length of 0 (off), or between a second and 30 days, e.g. {@code 24h}, {@code 90s}, {@code 1500ms}. */
    private static Duration windowLength(OptionReader options, String key, Duration defaultValue) {
        Duration length = options.duration(key, defaultValue, Duration.ZERO);
        if (!length.isZero() && (length.compareTo(SHORTEST_WINDOW) < 0 || length.compareTo(LONGEST_WINDOW) > 0)) {
            throw options.invalid(key, options.string(key, ""), "must be 0 (off) or between 1s and 720h (30 days)");
        }
        return length;
    }

    private static <T> T read(List<String> problems, T fallback, Supplier<T> reader) {
        try {
            return reader.get();
        } catch (InvalidConfigurationException e) {
            problems.add(e.getMessage());
            return fallback;
        }
    }
}
