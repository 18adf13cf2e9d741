package io.keycloakguard.authenticators.network.ippolicy;

import io.keycloakguard.core.audit.GuardSignals;
import io.keycloakguard.core.config.ParsedConfigCache;
import io.keycloakguard.core.net.ClientAddress;
import io.keycloakguard.core.net.IpAddresses;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.keycloakguard.core.flow.LoginFlows;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;

/** Lets a login through only from the networks its {@link IpPolicyConfig} allows; see {@link IpPolicy}. */
final class IpPolicyAuthenticator implements Authenticator {

    static final String TEMPLATE = "guard-ip-denied.ftl";
    static final String ERROR_DENIED = "guard_ip_denied";
    static final String ERROR_MISCONFIGURED = "guard_ip_policy_misconfigured";

    private final ParsedConfigCache<IpPolicyConfig> configs;
    private final IpPolicyConfigCheck checks;

    IpPolicyAuthenticator(ParsedConfigCache<IpPolicyConfig> configs, IpPolicyConfigCheck checks) {
        this.configs = configs;
        this.checks = checks;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        if (user != null) {
            context.getEvent().user(user);
        }
        String address = ClientAddress.of(session);
        ParsedConfigCache.Parsed<IpPolicyConfig> parsed = configs.get(session, realm, context.getAuthenticatorConfig());
        if (!parsed.valid()) {
            context.getEvent().clone().detail(GuardSignals.EVENT_DETAIL, GuardSignals.IP_POLICY_MISCONFIGURED).error(ERROR_MISCONFIGURED);
            if (WrongPasswordAnswer.applies(context)) {
                WrongPasswordAnswer.answer(context); // everyone is refused, but the right password must not show it
            } else {
                context.challenge(denial(context, "guardIpPolicyMisconfigured", address));
            }
            return;
        }
        String clientId = context.getAuthenticationSession().getClient() == null ? null
                : context.getAuthenticationSession().getClient().getClientId();
        IpPolicy.Decision decision = IpPolicy.decide(parsed.config(), address, clientId,
                user == null ? null : groupPathsWithParents(user));
        if (decision.allowed()) {
            context.success();
            return;
        }
        if ("group-rules-without-user".equals(decision.reason())) {
            checks.warnGroupRulesWithoutUser(realm, context.getAuthenticatorConfig(),
                    context.getTopLevelFlow() == null ? "?" : context.getTopLevelFlow().getAlias());
        }
        if (WrongPasswordAnswer.applies(context)) {
            // After the password step a plain denial would say the password was right: answer as to a wrong one.
            context.getEvent().clone().detail(GuardSignals.EVENT_DETAIL, GuardSignals.IP_POLICY_DENIED).detail("reason", decision.reason())
                    .detail("answered_as", WrongPasswordAnswer.error()).error(ERROR_DENIED);
            WrongPasswordAnswer.answer(context);
            return;
        }
        // Before any credential: the plain denial gives nothing away. A challenge, so the brute-force detector does
        // not count it.
        context.getEvent().clone().detail(GuardSignals.EVENT_DETAIL, GuardSignals.IP_POLICY_DENIED).detail("reason", decision.reason())
                .error(ERROR_DENIED);
        context.challenge(denial(context, "guardIpDenied", address));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        // The page has no form; whatever is posted, the address is judged again.
        authenticate(context);
    }

    private static Set<String> groupPathsWithParents(UserModel user) {
        Set<String> paths = new HashSet<>();
        user.getGroupsStream().forEach(group -> {
            for (GroupModel g = group; g != null; g = g.getParent()) {
                if (!paths.add(KeycloakModelUtils.buildGroupPath(g))) {
                    break;
                }
            }
        });
        return paths;
    }

    /** Flows without pages (the direct grant) get an OAuth error. */
    private static Response denial(AuthenticationFlowContext context, String message, String address) {
        if (!LoginFlows.hasPages(context)) {
            String description = "guardIpDenied".equals(message) ? "Sign-in from this network is not allowed"
                    : "The IP policy configuration is invalid";
            return Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new OAuth2ErrorRepresentation("access_denied", description)).build();
        }
        return context.form().setStatus(Response.Status.FORBIDDEN)
                .setAttribute("guardIpMessage", message)
                // Only a real address is shown: whatever a trusted proxy forwarded stays off the page.
                .setAttribute("guardIpAddress", IpAddresses.parse(address).map(InetAddress::getHostAddress).orElse("unknown"))
                .createForm(TEMPLATE);
    }

    @Override
    public boolean requiresUser() {
        return false;
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
