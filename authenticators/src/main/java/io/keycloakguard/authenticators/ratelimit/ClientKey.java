package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.net.IpAddresses;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The address a limit is kept for, in one spelling. Keycloak hands the authenticator the resolved address
 * ({@code ClientAddress}) and the event the forwarded host as written ({@code [2001:db8::1]} vs
 * {@code 2001:db8:0:0:0:0:0:1}); both must land on the same Redis key. An IPv6 address is counted by its network
 * ({@link #subject}): whoever holds one address of a /64 holds them all.
 */
final class ClientKey {

    private static final Logger LOG = Logger.getLogger(ClientKey.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private ClientKey() {
    }

    /** The canonical literal, or empty (logged once) when Keycloak resolved no IP address. */
    static Optional<String> of(String resolved) {
        Optional<String> key = IpAddresses.parse(resolved).map(InetAddress::getHostAddress);
        if (key.isEmpty() && WARNED.compareAndSet(false, true)) {
            LOG.warnf("Keycloak Guard: a login came without a usable client IP address ('%s'); the per-IP rate limit "
                    + "does not apply to such logins. Check Keycloak's proxy-headers settings and the proxy. "
                    + "(Said once.)", printable(resolved));
        }
        return key;
    }

    /**
     * What the limit counts for a canonical address: an IPv4 address itself, an IPv6 address's network of
     * {@code ipv6Prefix} bits (e.g. {@code 2001:db8:1:2:0:0:0:0/64}; at 128 the address as a /128).
     */
    static String subject(String address, int ipv6Prefix) {
        return address.indexOf(':') < 0 ? address : IpAddresses.networkOf(address, 32, ipv6Prefix);
    }

    private static String printable(String raw) {
        if (raw == null) {
            return "none";
        }
        String cut = raw.length() > 60 ? raw.substring(0, 60) + "…" : raw;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
