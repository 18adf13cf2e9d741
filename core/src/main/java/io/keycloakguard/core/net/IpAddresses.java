package io.keycloakguard.core.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals strictly: never a DNS lookup, never an exception for garbage. Everything the
 * pack reads as an address (Keycloak's resolved client address, CIDR entries, stored IPs) goes through here.
 */
public final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private IpAddresses() {
    }

    /** The address of an IPv4 or IPv6 literal (brackets and a zone id are accepted and dropped); empty otherwise. */
    public static Optional<InetAddress> parse(String literal) {
        if (literal == null) {
            return Optional.empty();
        }
        String s = literal.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        boolean v4 = IPV4.matcher(s).matches();
        boolean v6 = !v4 && s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches();
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            // Safe: a literal that passed the checks above is parsed, never resolved through DNS.
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static boolean isV4(InetAddress address) {
        return address instanceof Inet4Address;
    }

    /**
     * The network an address belongs to, as CIDR text with the host bits cleared, e.g. {@code 203.0.113.0/24}
     * or {@code 2001:db8:1:2::/64}. Unparseable input gives {@code "unknown"}, which equals only itself.
     */
    public static String networkOf(String literal, int v4PrefixBits, int v6PrefixBits) {
        return parse(literal).map(a -> Cidr.of(a, isV4(a) ? v4PrefixBits : v6PrefixBits).toString()).orElse("unknown");
    }
}
