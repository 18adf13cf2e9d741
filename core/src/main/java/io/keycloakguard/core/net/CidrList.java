package io.keycloakguard.core.net;

import io.keycloakguard.core.config.InvalidConfigurationException;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A list of networks parsed once from config text (entries separated by commas, spaces or new lines). */
public final class CidrList {

    public static final CidrList EMPTY = new CidrList(List.of());

    private final List<Cidr> networks;

    private CidrList(List<Cidr> networks) {
        this.networks = networks;
    }

    /**
     * Parses every entry.
     *
     * @param what how the admin knows the field, for the error (e.g. "Allowed networks")
     * @throws InvalidConfigurationException naming every entry that is not an IPv4 or IPv6 network
     */
    public static CidrList parse(String what, String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        List<Cidr> parsed = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String entry : entries(text)) {
            Cidr.parse(entry).ifPresentOrElse(parsed::add, () -> bad.add(entry));
        }
        if (!bad.isEmpty()) {
            throw new InvalidConfigurationException(what + ": not an IPv4 or IPv6 network (CIDR): "
                    + String.join(", ", bad.stream().map(CidrList::quoted).toList()));
        }
        return new CidrList(List.copyOf(parsed));
    }

    /** Splits list text the way admins write it in a console field or a multivalued option. */
    public static List<String> entries(String text) {
        return Arrays.stream(text.split("[,\\s#]+")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    public boolean contains(InetAddress address) {
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the literal is inside one of the networks; unparseable input never is. */
    public boolean contains(String literal) {
        return IpAddresses.parse(literal).map(this::contains).orElse(false);
    }

    public List<Cidr> networks() {
        return networks;
    }

    private static String quoted(String entry) {
        String shown = entry.length() > 60 ? entry.substring(0, 60) + "…" : entry;
        return "'" + shown + "'";
    }
}
