package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitConfigTest {

    @Test
    void anEmptyConfigIsAuth0sDefaults() {
        RateLimitConfig config = RateLimitConfig.parse(Map.of());
        assertEquals(100, config.maxFailures());
        assertEquals(Duration.ofHours(24), config.window());
        assertEquals(10, config.burstMax());
        assertEquals(Duration.ofMinutes(1), config.burstWindow());
        assertTrue(config.allowList().isEmpty());
        assertEquals(RedisDownAction.ALLOW, config.onRedisUnavailable());
        assertEquals(List.of(new Window("window", 100, Duration.ofHours(24)), new Window("burst", 10, Duration.ofMinutes(1))),
                config.windows());
        assertEquals(Duration.ofHours(24), config.longestWindow());
        assertEquals(100, config.largestLimit());
    }

    @Test
    void readsEveryOption() {
        RateLimitConfig config = RateLimitConfig.parse(Map.of(
                "maxFailures", "5", "window", "1h", "burstMax", "3", "burstWindow", "90s",
                "allowList", "10.0.0.0/8##2001:db8::/32", "onRedisUnavailable", "deny"));
        assertEquals(5, config.maxFailures());
        assertEquals(Duration.ofHours(1), config.window());
        assertEquals(3, config.burstMax());
        assertEquals(Duration.ofSeconds(90), config.burstWindow());
        assertTrue(config.allowList().contains("10.1.2.3"));
        assertTrue(config.allowList().contains("2001:db8::7"));
        assertFalse(config.allowList().contains("11.0.0.1"));
        assertEquals(RedisDownAction.DENY, config.onRedisUnavailable());
    }

    @Test
    void ipv6IsCountedPerSlashSixtyFourUnlessSaidOtherwise() {
        assertEquals(64, RateLimitConfig.parse(Map.of()).ipv6Prefix());
        assertEquals(48, RateLimitConfig.parse(Map.of("ipv6Prefix", "48")).ipv6Prefix());
        assertEquals(128, RateLimitConfig.parse(Map.of("ipv6Prefix", "128")).ipv6Prefix());
        InvalidConfigurationException tooShort = assertThrows(InvalidConfigurationException.class,
                () -> RateLimitConfig.parse(Map.of("ipv6Prefix", "16")));
        assertTrue(tooShort.getMessage().contains("'16' for option 'IPv6 prefix length'"), tooShort.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> RateLimitConfig.parse(Map.of("ipv6Prefix", "129")));
    }

    @Test
    void aWindowOfZeroIsOff() {
        RateLimitConfig noBurst = RateLimitConfig.parse(Map.of("maxFailures", "4", "window", "1h", "burstWindow", "0"));
        assertEquals(List.of(new Window("window", 4, Duration.ofHours(1))), noBurst.windows());
        assertEquals(4, noBurst.largestLimit());

        RateLimitConfig burstOnly = RateLimitConfig.parse(Map.of("window", "0", "burstMax", "3", "burstWindow", "1m"));
        assertEquals(List.of(new Window("burst", 3, Duration.ofMinutes(1))), burstOnly.windows());
        assertEquals(Duration.ofMinutes(1), burstOnly.longestWindow());
        assertEquals(3, burstOnly.largestLimit());
    }

    @Test
    void bothWindowsOffIsAMistake() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RateLimitConfig.parse(Map.of("window", "0", "burstWindow", "0")));
        assertTrue(e.getMessage().contains("both 0"), e.getMessage());
    }

    @Test
    void everyProblemIsReportedNamingTheFieldAndTheValue() {
        List<String> problems = new ArrayList<>();
        assertNull(RateLimitConfig.parse(Map.of(
                "maxFailures", "lots", "window", "forever", "burstMax", "0", "burstWindow", "500ms",
                "allowList", "10.0.0.0/8##not-a-network##300.1.1.1", "onRedisUnavailable", "panic"), problems));
        assertEquals(6, problems.size(), problems.toString());
        String all = String.join("\n", problems);
        assertTrue(all.contains("'lots' for option 'Max failures per window'"), all);
        assertTrue(all.contains("'forever' for option 'Window'"), all);
        assertTrue(all.contains("'0' for option 'Burst max'"), all);
        assertTrue(all.contains("'500ms' for option 'Burst window': must be 0 (off) or between 1s and 720h"), all);
        assertTrue(all.contains("Allow-list") && all.contains("'not-a-network'") && all.contains("'300.1.1.1'"), all);
        assertFalse(all.contains("'10.0.0.0/8'"), all);
        assertTrue(all.contains("'panic' for option 'When Redis is unavailable'"), all);
    }

    @Test
    void windowsLongerThanThirtyDaysAreRefused() {
        assertThrows(InvalidConfigurationException.class, () -> RateLimitConfig.parse(Map.of("window", "721h")));
        assertEquals(Duration.ofHours(720), RateLimitConfig.parse(Map.of("window", "720h")).window());
    }

    @Test
    void limitsMustBePositiveAndBounded() {
        assertThrows(InvalidConfigurationException.class, () -> RateLimitConfig.parse(Map.of("maxFailures", "0")));
        assertThrows(InvalidConfigurationException.class, () -> RateLimitConfig.parse(Map.of("maxFailures", "100001")));
        assertThrows(InvalidConfigurationException.class, () -> RateLimitConfig.parse(Map.of("burstMax", "-1")));
        assertEquals(1, RateLimitConfig.parse(Map.of("maxFailures", "1")).maxFailures());
    }

    @Test
    void blankValuesMeanTheDefault() {
        RateLimitConfig config = RateLimitConfig.parse(Map.of("maxFailures", " ", "window", "", "allowList", ""));
        assertEquals(100, config.maxFailures());
        assertEquals(Duration.ofHours(24), config.window());
    }
}
