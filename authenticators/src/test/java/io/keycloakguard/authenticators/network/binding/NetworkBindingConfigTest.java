package io.keycloakguard.authenticators.network.binding;

import io.keycloakguard.authenticators.network.binding.NetworkBindingConfig.Verdict;
import io.keycloakguard.core.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkBindingConfigTest {

    @Test
    void emptyConfigMeansRejectWithA24AndA64() {
        NetworkBindingConfig config = NetworkBindingConfig.parse(Map.of());
        assertEquals(BindingMode.REJECT, config.mode());
        assertEquals(24, config.ipv4PrefixBits());
        assertEquals(64, config.ipv6PrefixBits());
        assertTrue(config.allowedNetworks().isEmpty());
        assertEquals(config, NetworkBindingConfig.parse(null));
    }

    @Test
    void readsWhatTheConsoleSends() {
        NetworkBindingConfig config = NetworkBindingConfig.parse(Map.of(
                "mode", "end-session", "ipv4-prefix-bits", 16, "ipv6-prefix-bits", "48",
                "allowed-networks", List.of("192.0.2.0/24", "2001:db8::/32, 198.51.100.7")));
        assertEquals(BindingMode.END_SESSION, config.mode());
        assertEquals(16, config.ipv4PrefixBits());
        assertEquals(48, config.ipv6PrefixBits());
        assertEquals(3, config.allowedNetworks().networks().size());
        assertEquals(BindingMode.LOG, NetworkBindingConfig.parse(Map.of("mode", " LOG ")).mode());
        assertEquals(1, NetworkBindingConfig.parse(Map.of("allowed-networks", "10.0.0.0/8")).allowedNetworks().networks().size());
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("mode", "kick");
        raw.put("ipv4-prefix-bits", "33");
        raw.put("ipv6-prefix-bits", "-1");
        raw.put("allowed-networks", List.of("10.0.0.0/8", "10.0.0.0/33", "carrier.example"));
        raw.put("mdoe", "log");
        String message = assertThrows(InvalidConfigurationException.class, () -> NetworkBindingConfig.parse(raw)).getMessage();
        for (String expected : List.of("'kick'", "IPv4 prefix bits: '33'", "IPv6 prefix bits: '-1'", "'10.0.0.0/33'",
                "'carrier.example'", "Unknown option 'mdoe'")) {
            assertTrue(message.contains(expected), expected + " missing in: " + message);
        }
        assertTrue(!message.contains("'10.0.0.0/8'"), message);
    }

    @Test
    void malformedJsonShapesAreProblemsNotCrashes() {
        String message = assertThrows(InvalidConfigurationException.class, () -> NetworkBindingConfig.parse(Map.of(
                "mode", Map.of("a", 1), "ipv4-prefix-bits", List.of(1), "allowed-networks", List.of(Map.of())))).getMessage();
        assertTrue(message.contains("Mode: must be text, not an object"), message);
        assertTrue(message.contains("IPv4 prefix bits: must be text, not a list"), message);
        assertTrue(message.contains("Allowed networks: must be text, not an object"), message);
    }

    @Test
    void sameNetworkByPrefixIsTolerated() {
        NetworkBindingConfig config = NetworkBindingConfig.DEFAULTS;
        assertEquals(Verdict.SAME_NETWORK, config.judge("203.0.113.10", "203.0.113.99"));
        assertEquals(Verdict.DIFFERENT_NETWORK, config.judge("203.0.113.10", "203.0.114.10"));
        assertEquals(Verdict.SAME_NETWORK, config.judge("2001:db8:1:2::1", "2001:db8:1:2:ffff::9"));
        assertEquals(Verdict.DIFFERENT_NETWORK, config.judge("2001:db8:1:2::1", "2001:db8:1:3::1"));
        NetworkBindingConfig exact = new NetworkBindingConfig(BindingMode.REJECT, 32, 128, config.allowedNetworks());
        assertEquals(Verdict.DIFFERENT_NETWORK, exact.judge("203.0.113.10", "203.0.113.11"));
        assertEquals(Verdict.SAME_NETWORK, exact.judge("203.0.113.10", "203.0.113.10"));
    }

    @Test
    void addressFamiliesNeverShareANetworkButMappedAddressesAreIpv4() {
        NetworkBindingConfig anyNetwork = new NetworkBindingConfig(BindingMode.REJECT, 0, 0,
                NetworkBindingConfig.DEFAULTS.allowedNetworks());
        assertEquals(Verdict.DIFFERENT_NETWORK, anyNetwork.judge("203.0.113.10", "2001:db8::1"));
        assertEquals(Verdict.SAME_NETWORK, anyNetwork.judge("203.0.113.10", "198.51.100.1"));
        assertEquals(Verdict.SAME_NETWORK, NetworkBindingConfig.DEFAULTS.judge("203.0.113.10", "::ffff:203.0.113.20"));
    }

    @Test
    void allowedNetworksTolerateTheCallerWhateverTheSession() {
        NetworkBindingConfig config = NetworkBindingConfig.parse(Map.of("allowed-networks", List.of("192.0.2.0/24", "2001:db8:aa::/48")));
        assertEquals(Verdict.ALLOWED_NETWORK, config.judge("203.0.113.10", "192.0.2.200"));
        assertEquals(Verdict.ALLOWED_NETWORK, config.judge("203.0.113.10", "2001:db8:aa:1::5"));
        assertEquals(Verdict.DIFFERENT_NETWORK, config.judge("192.0.2.200", "203.0.113.10"));
        assertEquals(Verdict.ALLOWED_NETWORK, config.judge(null, "192.0.2.1"));
    }

    @Test
    void anAddressThatCannotBeReadIsAMismatch() {
        NetworkBindingConfig config = NetworkBindingConfig.DEFAULTS;
        assertEquals(Verdict.UNKNOWN_ADDRESS, config.judge(null, "203.0.113.10"));
        assertEquals(Verdict.UNKNOWN_ADDRESS, config.judge("unknown", "unknown"));
        assertEquals(Verdict.UNKNOWN_ADDRESS, config.judge("203.0.113.10", "unknown"));
        assertEquals(Verdict.UNKNOWN_ADDRESS, config.judge("203.0.113.10", "203.0.113.10, 10.0.0.1"));
    }
}
