package io.keycloakguard.authenticators.ratelimit;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.models.KeycloakSession;

/**
 * Keycloak's username/password form, checking the rate limit before it shows the form and before every
 * submitted password. A separate gate execution cannot do the second: Keycloak sends each post of a form
 * straight to the form's execution and never re-runs the executions before it, so one login page would
 * allow unlimited guesses.
 */
final class RateLimitedPasswordForm extends UsernamePasswordForm {

    RateLimitedPasswordForm(KeycloakSession session) {
        super(session);
    }

    /** Showing the form tries no password: only checked. */
    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (IpRateLimiter.admit(context, false)) {
            super.authenticate(context);
        }
    }

    /** A submitted password: counted as it is admitted, given back if it was right. */
    @Override
    public void action(AuthenticationFlowContext context) {
        if (context.getHttpRequest().getDecodedFormParameters().containsKey("cancel")
                || IpRateLimiter.admit(context, true)) {
            super.action(context);
        }
    }
}
