package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.flow.LoginFlows;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Lets a login go on unless its IP address has too many recent failed logins. */
final class IpRateLimitAuthenticator implements Authenticator {

    /** In the direct grant the password follows in this request: the attempt is counted as it is admitted. */
    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (IpRateLimiter.admit(context, !LoginFlows.hasPages(context))) {
            context.success();
        }
    }

    /** Only reached by a post to the page that said "blocked": check again. */
    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
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
