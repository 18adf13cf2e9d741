package io.keycloakguard.authenticators.network.binding;

import io.keycloakguard.core.config.InvalidConfigurationException;
import io.keycloakguard.core.net.Cidr;
import io.keycloakguard.core.net.CidrList;
import io.keycloakguard.core.net.IpAddresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The network binding's configuration, parsed once from the executor's JSON configuration (which Keycloak
 * hands over as a map of strings, numbers and lists), and the decision whether a caller is tolerated.
 */
public record NetworkBindingConfig(BindingMode mode, int ipv4PrefixBits, int ipv6PrefixBits, CidrList allowedNetworks) {

    public static final String MODE = "mode";
    public static final String IPV4_PREFIX_BITS = "ipv4-prefix-bits";
    public static final String IPV6_PREFIX_BITS = "ipv6-prefix-bits";
    public static final String ALLOWED_NETWORKS = "allowed-networks";

    static final Set<String> OPTIONS = Set.of(MODE, IPV4_PREFIX_BITS, IPV6_PREFIX_BITS, ALLOWED_NETWORKS);

    public static final BindingMode DEFAULT_MODE = BindingMode.REJECT;
    public static final int DEFAULT_IPV4_PREFIX_BITS = 24;
    public static final int DEFAULT_IPV6_PREFIX_BITS = 64;

    public static final NetworkBindingConfig DEFAULTS = new NetworkBindingConfig(DEFAULT_MODE, DEFAULT_IPV4_PREFIX_BITS,
            DEFAULT_IPV6_PREFIX_BITS, CidrList.EMPTY);

    /** Why a caller was tolerated or not. */
    public enum Verdict {
        SAME_NETWORK(true, "same-network"),
        ALLOWED_NETWORK(true, "allowed-network"),
        DIFFERENT_NETWORK(false, "different-network"),
        /** One of the two addresses is not an IP address: nothing can be compared, so it counts as a mismatch. */
        UNKNOWN_ADDRESS(false, "unknown-address");

        private final boolean tolerated;
        private final String detail;

        Verdict(boolean tolerated, String detail) {
            this.tolerated = tolerated;
            this.detail = detail;
        }

        public boolean tolerated() {
            return tolerated;
        }

        public String detail() {
            return detail;
        }
    }

    /**
     * Parses the configuration; every problem is reported at once, each naming the option and the value.
     *
     * @throws InvalidConfigurationException listing every problem
     */
    public static NetworkBindingConfig parse(Map<String, ?> raw) {
        Map<String, ?> config = raw == null ? Map.of() : raw;
        List<String> problems = new ArrayList<>();
        config.keySet().stream().filter(k -> !OPTIONS.contains(k)).sorted()
                .forEach(k -> problems.add("Unknown option '" + k + "' (known: mode, ipv4-prefix-bits, ipv6-prefix-bits, allowed-networks)"));

        BindingMode mode = DEFAULT_MODE;
        Optional<String> modeText = text("Mode", config.get(MODE), problems);
        if (modeText.isPresent()) {
            mode = BindingMode.fromValue(modeText.get()).orElse(null);
            if (mode == null) {
                problems.add("Mode: '" + modeText.get() + "' must be one of log, reject, end-session");
            }
        }
        int v4 = bits("IPv4 prefix bits", config.get(IPV4_PREFIX_BITS), DEFAULT_IPV4_PREFIX_BITS, 32, problems);
        int v6 = bits("IPv6 prefix bits", config.get(IPV6_PREFIX_BITS), DEFAULT_IPV6_PREFIX_BITS, 128, problems);
        CidrList allowed = CidrList.EMPTY;
        Optional<String> networks = listText("Allowed networks", config.get(ALLOWED_NETWORKS), problems);
        if (networks.isPresent()) {
            try {
                allowed = CidrList.parse("Allowed networks", networks.get());
            } catch (InvalidConfigurationException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(String.join("; ", problems));
        }
        return new NetworkBindingConfig(mode, v4, v6, allowed);
    }

    /**
     * Whether a call from {@code requestIp} may use a session created from {@code sessionIp}: both in the same
     * network (the configured prefix of their address family), or the caller inside an allowed network.
     */
    public Verdict judge(String sessionIp, String requestIp) {
        Optional<InetAddress> caller = IpAddresses.parse(requestIp);
        Optional<InetAddress> origin = IpAddresses.parse(sessionIp);
        if (caller.isEmpty() || origin.isEmpty()) {
            return caller.isPresent() && allowedNetworks.contains(caller.get()) ? Verdict.ALLOWED_NETWORK
                    : Verdict.UNKNOWN_ADDRESS;
        }
        InetAddress c = caller.get();
        InetAddress o = origin.get();
        if (IpAddresses.isV4(c) == IpAddresses.isV4(o)) {
            int bits = IpAddresses.isV4(c) ? ipv4PrefixBits : ipv6PrefixBits;
            if (Cidr.of(o, bits).contains(c)) {
                return Verdict.SAME_NETWORK;
            }
        }
        return allowedNetworks.contains(c) ? Verdict.ALLOWED_NETWORK : Verdict.DIFFERENT_NETWORK;
    }

    private static Optional<String> text(String field, Object value, List<String> problems) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            problems.add(field + ": must be text, not " + describe(value));
            return Optional.empty();
        }
        String s = value.toString().trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** A list option: the console sends a JSON array, a hand-written config may use one string; entries may hold several networks. */
    private static Optional<String> listText(String field, Object value, List<String> problems) {
        if (value instanceof Collection<?> values) {
            List<String> parts = new ArrayList<>();
            for (Object v : values) {
                text(field, v, problems).ifPresent(parts::add);
            }
            return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(",", parts));
        }
        return text(field, value, problems);
    }

    private static int bits(String field, Object value, int defaultValue, int max, List<String> problems) {
        Optional<String> s = text(field, value, problems);
        if (s.isEmpty()) {
            return defaultValue;
        }
        if (!s.get().matches("\\d{1,3}") || Integer.parseInt(s.get()) > max) {
            problems.add(field + ": '" + shorten(s.get()) + "' must be a whole number from 0 to " + max);
            return defaultValue;
        }
        return Integer.parseInt(s.get());
    }

    private static String describe(Object value) {
        return value instanceof Map ? "an object" : value instanceof Collection ? "a list" : "'" + shorten(value.toString()) + "'";
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
