package io.keycloakguard.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/** One IPv4 or IPv6 network, e.g. {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a /32 or /128. */
public final class Cidr {

    private final byte[] network;
    private final int prefixBits;

    private Cidr(byte[] network, int prefixBits) {
        this.network = network;
        this.prefixBits = prefixBits;
    }

    /** The network of {@code address} with {@code prefixBits} significant bits (clamped to the address size). */
    public static Cidr of(InetAddress address, int prefixBits) {
        byte[] bytes = address.getAddress();
        int bits = Math.max(0, Math.min(prefixBits, bytes.length * 8));
        return new Cidr(mask(bytes, bits), bits);
    }

    /** Parses CIDR text; empty when it is not a valid IPv4 or IPv6 network. */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        Optional<InetAddress> address = IpAddresses.parse(addressPart);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int max = address.get().getAddress().length * 8;
        int bits = max;
        if (slash >= 0) {
            String bitsText = s.substring(slash + 1);
            if (!bitsText.matches("\\d{1,3}")) {
                return Optional.empty();
            }
            bits = Integer.parseInt(bitsText);
            if (bits > max) {
                return Optional.empty();
            }
        }
        return Optional.of(of(address.get(), bits));
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixBits), network);
    }

    /** Whether the literal is an address inside this network; garbage is never inside. */
    public boolean contains(String literal) {
        return IpAddresses.parse(literal).map(this::contains).orElse(false);
    }

    public int prefixBits() {
        return prefixBits;
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] out = new byte[address.length];
        for (int i = 0; i < address.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] = (byte) (address[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    @Override
    public String toString() {
        try {
            String host = InetAddress.getByAddress(network).getHostAddress();
            return host + "/" + prefixBits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && other.prefixBits == prefixBits && Arrays.equals(other.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixBits;
    }
}
