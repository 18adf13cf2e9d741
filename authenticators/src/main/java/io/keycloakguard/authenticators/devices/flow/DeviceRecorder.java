package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.authenticators.devices.CurrentLogin;
import io.keycloakguard.authenticators.devices.KnownDeviceEntity;
import io.keycloakguard.authenticators.devices.KnownDevices;
import io.keycloakguard.authenticators.devices.LoginFacts;
import io.keycloakguard.authenticators.devices.LoginHistoryEntity;
import io.keycloakguard.authenticators.devices.NewDeviceOrNetwork;
import io.keycloakguard.core.config.ParsedConfigCache;
import io.keycloakguard.core.flow.LoginFlows;
import io.keycloakguard.core.lock.UserLocks;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * "Guard: remember device" in the flow: it records nothing yet. Later steps (a session limit, a chooser the user
 * cancels) may still refuse the sign-in, and required actions (e.g. setting up OTP) come after the flow; a device
 * remembered here would let an abandoned sign-in skip the step-up next time. It leaves a {@link PendingRecord}
 * (in the request, the authentication session, and as a note Keycloak copies into the user session it creates
 * for the sign-in) that {@link CompletedSignInRecorderFactory} turns into the device, the history row, the cookie and the email
 * when Keycloak reports the sign-in as completed (its {@code LOGIN} event).
 */
final class DeviceRecorder implements Authenticator {

    static final String SESSION_ATTRIBUTE = PendingRecord.class.getName();

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        ParsedConfigCache.Parsed<DeviceRecorderConfig> parsed = DeviceRecorderFactory.CONFIGS.get(realm, context.getAuthenticatorConfig());
        // Recording is not a gate: an invalid config (logged once, listed in the status) records with the defaults.
        DeviceRecorderConfig config = parsed.valid() ? parsed.config() : DeviceRecorderConfig.DEFAULTS;
        PendingRecord pending = new PendingRecord(user.getId(), config.keepLogins(), config.notifyNewDevice(),
                LoginFlows.hasPages(context));
        context.getAuthenticationSession().setAuthNote(PendingRecord.NOTE, pending.toNote());
        context.getAuthenticationSession().setUserSessionNote(PendingRecord.NOTE, pending.toNote());
        session.setAttribute(SESSION_ATTRIBUTE, pending);

        // What the sign-in looks like now, for the LOGIN event (and the audit trail) of a flow that ends in this
        // request; the recording decides again, under the user's lock, when the sign-in completes. The lock is
        // taken now: the rows read under it are those the recording sees when the flow ends in this request, and
        // KnownDevices keeps them for it (in a later request, the recording reads them again).
        UserLocks.lock(session, realm, user);
        LoginFacts facts = CurrentLogin.facts(session, realm, user.getId(), null);
        KnownDevices devices = KnownDevices.of(session);
        boolean newDevice = NewDeviceOrNetwork.isNewDevice(facts.deviceId(),
                devices.devicesOf(realm, user.getId()).stream().map(KnownDeviceEntity::getDeviceId).toList());
        boolean newNetwork = NewDeviceOrNetwork.isNewNetwork(facts.ip(),
                devices.historyOf(realm, user.getId(), config.keepLogins()).stream().map(LoginHistoryEntity::getIp).toList(),
                CurrentLogin.STORED_IPV4_PREFIX, CurrentLogin.STORED_IPV6_PREFIX);
        context.getEvent().detail("guard_new_device", String.valueOf(newDevice))
                .detail("guard_new_network", String.valueOf(newNetwork));
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
