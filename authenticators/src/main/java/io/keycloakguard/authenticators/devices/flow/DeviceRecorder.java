package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.authenticators.devices.CurrentLogin;
import io.keycloakguard.authenticators.devices.DeviceCookie;
import io.keycloakguard.authenticators.devices.KnownDeviceEntity;
import io.keycloakguard.authenticators.devices.KnownDevices;
import io.keycloakguard.authenticators.devices.LoginFacts;
import io.keycloakguard.authenticators.devices.LoginHistoryEntity;
import io.keycloakguard.authenticators.devices.Newness;
import io.keycloakguard.authenticators.notify.NewDeviceEmail;
import io.keycloakguard.authenticators.notify.NewDeviceNotice;
import io.keycloakguard.core.config.ParsedConfigCache;
import io.keycloakguard.core.lock.UserLocks;
import io.keycloakguard.core.flow.LoginFlows;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

final class DeviceRecorder implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        ParsedConfigCache.Parsed<DeviceRecorderConfig> parsed = DeviceRecorderFactory.CONFIGS.get(realm, context.getAuthenticatorConfig());
        // Recording is not a gate: an invalid config (logged once, listed in the status) records with the defaults.
        DeviceRecorderConfig config = parsed.valid() ? parsed.config() : DeviceRecorderConfig.DEFAULTS;
        boolean browser = LoginFlows.hasPages(context);
        String clientId = context.getAuthenticationSession().getClient() == null ? null
                : context.getAuthenticationSession().getClient().getClientId();

        // Two sign-ins of one user on several nodes must not both create the same device row.
        UserLocks.lock(session, realm, user);
        LoginFacts facts = CurrentLogin.facts(session, realm, clientId);
        KnownDevices devices = KnownDevices.of(session);
        boolean newDevice = Newness.isNewDevice(facts.deviceId(),
                devices.devicesOf(realm, user.getId()).stream().map(KnownDeviceEntity::getDeviceId).toList());
        boolean newNetwork = Newness.isNewNetwork(facts.ip(),
                devices.historyOf(realm, user.getId(), config.keepLogins()).stream().map(LoginHistoryEntity::getIp).toList(),
                CurrentLogin.STORED_IPV4_PREFIX, CurrentLogin.STORED_IPV6_PREFIX);

        String deviceId = facts.deviceId();
        if (browser) {
            // A browser keeps the id it has (another user of the same browser gets a row of their own).
            if (deviceId == null) {
                deviceId = DeviceCookie.newDeviceId();
            }
            if (!DeviceCookie.set(session, realm, deviceId)) {
                deviceId = null;
            }
        } else {
            deviceId = null; // API clients keep no cookie: their sign-ins go to the history only
        }
        LoginFacts recorded = new LoginFacts(deviceId, facts.browser(), facts.os(), facts.ip(), facts.network(),
                clientId, facts.timeMillis());
        KnownDevices.RecordedLogin outcome = devices.record(realm, user.getId(), recorded, newDevice, newNetwork,
                config.keepLogins());

        context.getEvent().detail("guard_new_device", String.valueOf(newDevice))
                .detail("guard_new_network", String.valueOf(newNetwork));
        // The very first device of a user is not news; a browser without a stored device would be "new" every time.
        if (config.notifyNewDevice() && newDevice && deviceId != null && !outcome.firstDeviceEver()) {
            NewDeviceEmail.send(session, realm, user,
                    new NewDeviceNotice(facts.browser(), facts.os(), facts.ip(), facts.timeMillis()));
        }
        context.success();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        context.success();
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
