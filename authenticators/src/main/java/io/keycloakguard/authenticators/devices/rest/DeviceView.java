package io.keycloakguard.authenticators.devices.rest;

import io.keycloakguard.authenticators.devices.KnownDeviceEntity;

/** A known device as the endpoints show it; {@code current} is the browser making the request. */
public record DeviceView(String id, String browser, String os, long firstSeen, long lastSeen, String lastIp,
                         String lastNetwork, boolean current) {

    static DeviceView of(KnownDeviceEntity d, String currentDeviceId) {
        return new DeviceView(d.getId(), d.getBrowser(), d.getOs(), d.getFirstSeen(), d.getLastSeen(), d.getLastIp(),
                d.getLastNetwork(), d.getDeviceId().equals(currentDeviceId));
    }
}
