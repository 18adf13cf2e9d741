package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.authenticators.devices.CurrentLogin;
import io.keycloakguard.authenticators.devices.DeviceCookie;
import io.keycloakguard.authenticators.devices.KnownDeviceEntity;
import io.keycloakguard.authenticators.devices.KnownDevices;
import io.keycloakguard.authenticators.devices.LoginFacts;
import io.keycloakguard.authenticators.devices.LoginHistoryEntity;
import io.keycloakguard.authenticators.devices.NewDeviceOrNetwork;
import io.keycloakguard.authenticators.notify.NewDeviceEmail;
import io.keycloakguard.authenticators.notify.NewDeviceNotice;
import io.keycloakguard.core.lock.UserLocks;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/** Records a completed sign-in: the device (and its cookie, in a browser), the history row, the email. */
final class SignInRecording {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final UserModel user;

    SignInRecording(KeycloakSession session, RealmModel realm, UserModel user) {
        this.session = session;
        this.realm = realm;
        this.user = user;
    }

    /** @return the id the browser is remembered by (its cookie set), null for an API client or without a cookie */
    String record(PendingRecord pending, String clientId) {
        // Two sign-ins of one user on several nodes must not both create the same device row.
        UserLocks.lock(session, realm, user);
        LoginFacts facts = CurrentLogin.facts(session, realm, user.getId(), clientId);
        KnownDevices devices = KnownDevices.of(session);
        List<String> known = devices.devicesOf(realm, user.getId()).stream().map(KnownDeviceEntity::getDeviceId).toList();
        boolean newDevice = NewDeviceOrNetwork.isNewDevice(facts.deviceId(), known);
        boolean newNetwork = NewDeviceOrNetwork.isNewNetwork(facts.ip(),
                devices.historyOf(realm, user.getId(), pending.keepLogins()).stream().map(LoginHistoryEntity::getIp).toList(),
                CurrentLogin.STORED_IPV4_PREFIX, CurrentLogin.STORED_IPV6_PREFIX);

        String deviceId = pending.pages() ? browserDevice(facts, known) : null; // API clients keep no cookie
        KnownDevices.RecordedLogin outcome = devices.record(realm, user.getId(), facts.withDevice(deviceId), newDevice,
                newNetwork, pending.keepLogins());

        // The very first device of a user is not news; a browser without a stored device would be "new" every time.
        if (pending.notifyNewDevice() && newDevice && deviceId != null && !outcome.firstDeviceEver()) {
            NewDeviceEmail.sendAfterCommit(session, realm, user, new NewDeviceNotice(facts.browser(), facts.os(),
                    facts.ip(), facts.timeMillis(), deviceId, newNetwork ? facts.network() : null));
        }
        return deviceId;
    }

    /**
     * The id this browser is remembered by for the user, its cookie set; null when the realm cannot sign one. A
     * browser keeps the id its cookie proves for this user. A cookie of the first format (bound to the realm
     * only) is adopted only when the user already knows its id: one planted by someone else gets a new id.
     */
    private String browserDevice(LoginFacts facts, List<String> known) {
        String deviceId = facts.deviceId();
        if (deviceId != null && !facts.deviceBound() && !known.contains(deviceId)) {
            deviceId = null;
        }
        if (deviceId == null) {
            deviceId = DeviceCookie.newDeviceId();
        }
        return DeviceCookie.set(session, realm, user.getId(), deviceId) ? deviceId : null;
    }
}
