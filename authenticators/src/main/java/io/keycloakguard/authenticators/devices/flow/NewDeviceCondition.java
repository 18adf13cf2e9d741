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
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

final class NewDeviceCondition implements ConditionalAuthenticator {

    /**
     * Login-form attribute naming why the step-up is asked ({@code device} or {@code network}): the keycloak-guard
     * theme's OTP page says so. Keycloak's OTP form renders through the session's one {@link LoginFormsProvider},
     * in the same request as this condition, so the attribute set here reaches its page.
     */
    static final String STEP_UP_REASON = "guardStepUp";

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null) {
            return stepUp(context, "device"); // nothing to compare with: treat as new, so the step-up happens
        }
        ParsedConfigCache.Parsed<NewDeviceConditionConfig> parsed =
                NewDeviceConditionFactory.CONFIGS.get(context.getRealm(), context.getAuthenticatorConfig());
        if (!parsed.valid()) {
            return true; // fail safe: an invalid config steps up every sign-in (logged once, listed in the status)
        }
        NewDeviceConditionConfig config = parsed.config();
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        // Under the user's lock, which "remember device" and the recording take too: the rows read here are those
        // they see when the flow ends in this request, and KnownDevices keeps them for them (one read per login).
        UserLocks.lock(session, realm, user);
        LoginFacts facts = CurrentLogin.facts(session, realm, user.getId(), null);
        KnownDevices devices = KnownDevices.of(session);
        boolean newDevice = NewDeviceOrNetwork.isNewDevice(facts.deviceId(),
                devices.devicesOf(realm, user.getId()).stream().map(KnownDeviceEntity::getDeviceId).toList());
        List<String> earlierIps = devices.historyOf(realm, user.getId(), config.compareLastLogins()).stream()
                .map(LoginHistoryEntity::getIp).toList();
        boolean newNetwork = NewDeviceOrNetwork.isNewNetwork(facts.ip(), earlierIps, config.ipv4PrefixBits(), config.ipv6PrefixBits());
        boolean isNew = config.isNew(newDevice, newNetwork);
        context.getEvent().detail("guard_condition_new_device", String.valueOf(newDevice))
                .detail("guard_condition_new_network", String.valueOf(newNetwork));
        return isNew && stepUp(context, newDevice ? "device" : "network");
    }

    private static boolean stepUp(AuthenticationFlowContext context, String reason) {
        if (LoginFlows.hasPages(context)) {
            context.getSession().getProvider(LoginFormsProvider.class).setAttribute(STEP_UP_REASON, reason);
        }
        return true;
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
