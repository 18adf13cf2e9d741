package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.authenticators.devices.CurrentLogin;
import io.keycloakguard.authenticators.devices.KnownDeviceEntity;
import io.keycloakguard.authenticators.devices.KnownDevices;
import io.keycloakguard.authenticators.devices.LoginFacts;
import io.keycloakguard.authenticators.devices.LoginHistoryEntity;
import io.keycloakguard.authenticators.devices.Newness;
import io.keycloakguard.core.config.ParsedConfigCache;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

final class NewDeviceCondition implements ConditionalAuthenticator {

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null) {
            return true; // nothing to compare with: treat as new, so the step-up happens
        }
        ParsedConfigCache.Parsed<NewDeviceConditionConfig> parsed =
                NewDeviceConditionFactory.CONFIGS.get(context.getRealm(), context.getAuthenticatorConfig());
        if (!parsed.valid()) {
            return true; // fail safe: an invalid config steps up every sign-in (logged once, listed in the status)
        }
        NewDeviceConditionConfig config = parsed.config();
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        LoginFacts facts = CurrentLogin.facts(session, realm, user.getId(), null);
        KnownDevices devices = KnownDevices.of(session);
        boolean newDevice = Newness.isNewDevice(facts.deviceId(),
                devices.devicesOf(realm, user.getId()).stream().map(KnownDeviceEntity::getDeviceId).toList());
        List<String> earlierIps = devices.historyOf(realm, user.getId(), config.compareLastLogins()).stream()
                .map(LoginHistoryEntity::getIp).toList();
        boolean newNetwork = Newness.isNewNetwork(facts.ip(), earlierIps, config.ipv4PrefixBits(), config.ipv6PrefixBits());
        boolean isNew = config.isNew(newDevice, newNetwork);
        context.getEvent().detail("guard_condition_new_device", String.valueOf(newDevice))
                .detail("guard_condition_new_network", String.valueOf(newNetwork));
        return isNew;
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
