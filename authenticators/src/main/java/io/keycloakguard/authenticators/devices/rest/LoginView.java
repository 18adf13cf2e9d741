package io.keycloakguard.authenticators.devices.rest;

import io.keycloakguard.authenticators.devices.LoginHistoryEntity;

/** One sign-in of the login history, as the admin endpoint shows it. */
public record LoginView(long time, String ip, String network, String browser, String os, String clientId,
                        boolean newDevice, boolean newNetwork) {

    static LoginView of(LoginHistoryEntity h) {
        return new LoginView(h.getLoginTime(), h.getIp(), h.getNetwork(), h.getBrowser(), h.getOs(), h.getClientId(),
                h.isNewDevice(), h.isNewNetwork());
    }
}
