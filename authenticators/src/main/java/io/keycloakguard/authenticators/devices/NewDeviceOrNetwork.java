package io.keycloakguard.authenticators.devices;

import io.keycloakguard.core.net.Cidr;
import io.keycloakguard.core.net.IpAddresses;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Optional;

/** Decides whether a sign-in comes from a new device or a new network, from plain data. */
public final class NewDeviceOrNetwork {

    private NewDeviceOrNetwork() {
    }

    /** New unless the browser presented a valid device id that this user has signed in with before. */
    public static boolean isNewDevice(String deviceId, Collection<String> knownDeviceIds) {
        return deviceId == null || !knownDeviceIds.contains(deviceId);
    }

    /**
     * New unless one of the earlier sign-ins came from the same network, compared at the given prefix
     * lengths. An address that cannot be parsed is always new.
     */
    public static boolean isNewNetwork(String ip, Collection<String> earlierIps, int v4PrefixBits, int v6PrefixBits) {
        Optional<InetAddress> current = IpAddresses.parse(ip);
        if (current.isEmpty()) {
            return true;
        }
        Cidr network = Cidr.of(current.get(), IpAddresses.isV4(current.get()) ? v4PrefixBits : v6PrefixBits);
        return earlierIps.stream().noneMatch(network::contains);
    }
}
