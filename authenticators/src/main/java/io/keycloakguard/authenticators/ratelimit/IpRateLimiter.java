package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.audit.GuardSignals;
import io.keycloakguard.core.config.ParsedConfigCache;
import io.keycloakguard.core.flow.LoginFlows;
import io.keycloakguard.core.net.ClientAddress;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;

import java.time.Duration;
import java.util.Optional;

/**
 * The check both rate-limit authenticators make before a login may try credentials. Refusals are
 * challenges, never flow failures: Keycloak does not count them as failed logins (nor does the pack's
 * failure counter), so waiting out the block is enough, and a blocked attempt never extends it.
 */
final class IpRateLimiter {

    static final String TEMPLATE = "guard-rate-limited.ftl";
    static final String ERROR_RATE_LIMITED = "guard_ip_rate_limited";
    static final String ERROR_MISCONFIGURED = "guard_ip_rate_limit_misconfigured";
    static final String ERROR_UNAVAILABLE = "guard_ip_rate_limit_unavailable";
    /** Auth0's error code for the same block, so clients written against it understand ours. */
    static final String TOO_MANY_ATTEMPTS = "too_many_attempts";

    private IpRateLimiter() {
    }

    /**
     * True when the login may go on; otherwise the flow has been answered with a page or a JSON error. With
     * {@code reserve} (a password follows in this request) the attempt is counted in the same Redis step as the
     * check, so parallel attempts cannot all pass before any is counted; the count is given back unless the login
     * fails ({@link Reservations}).
     */
    static boolean admit(AuthenticationFlowContext context, boolean reserve) {
        RealmModel realm = context.getRealm();
        ParsedConfigCache.Parsed<RateLimitConfig> parsed = IpRateLimitAuthenticatorFactory.CONFIGS.get(realm, context.getAuthenticatorConfig());
        if (!parsed.valid()) {
            context.getEvent().clone().detail(GuardSignals.EVENT_DETAIL, GuardSignals.IP_RATE_LIMIT_MISCONFIGURED).error(ERROR_MISCONFIGURED);
            context.challenge(misconfigured(context));
            return false;
        }
        RateLimitConfig config = parsed.config();
        KeycloakSession session = context.getSession();
        Optional<String> address = ClientKey.of(ClientAddress.of(session));
        if (address.isEmpty() || config.allowList().contains(address.get())) {
            return true;
        }
        String subject = ClientKey.subject(address.get(), config.ipv6Prefix());
        if (Reservations.holds(session, realm.getId(), subject)) {
            // This request was admitted already (e.g. a flow reset shows the form again): one admission per attempt.
            return true;
        }
        Decision decision;
        try {
            FailureLedger ledger = FailedLoginCounterFactory.of(session).ledger(session);
            RealmLimits limits = RealmLimits.of(realm);
            FailureLedger.Admission admission = ledger.admit(realm.getId(), subject, config.windows(),
                    max(limits.keep(), config.longestWindow()), Math.max(limits.cap(), config.largestLimit()), reserve);
            RedisOutage.over();
            if (admission.member() != null) {
                Reservations.add(session, ledger, realm.getId(), subject, admission.member());
            }
            decision = admission.decision();
        } catch (RuntimeException e) {
            // Unreachable, or refusing (out of memory, a read-only replica): either way it cannot count.
            RedisOutage.noticed(e);
            if (config.onRedisUnavailable() == RedisDownAction.ALLOW) {
                return true;
            }
            context.getEvent().clone().detail(GuardSignals.EVENT_DETAIL, GuardSignals.IP_RATE_LIMIT_UNAVAILABLE).detail("ip", address.get())
                    .error(ERROR_UNAVAILABLE);
            context.challenge(unavailable(context));
            return false;
        }
        if (!decision.blocked()) {
            return true;
        }
        context.getEvent().clone()
                .detail(GuardSignals.EVENT_DETAIL, GuardSignals.IP_RATE_LIMIT_BLOCKED)
                .detail("ip", address.get())
                .detail("counted_as", subject)
                .detail("count", String.valueOf(decision.count()))
                .detail("limit", String.valueOf(decision.window().max()))
                .detail("window", decision.window().name())
                .detail("window_seconds", String.valueOf(decision.window().length().toSeconds()))
                .detail("retry_after", String.valueOf(decision.retryAfterSeconds()))
                .error(ERROR_RATE_LIMITED);
        context.challenge(blocked(context, decision.retryAfterSeconds()));
        return false;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Response blocked(AuthenticationFlowContext context, long retryAfter) {
        String seconds = String.valueOf(retryAfter);
        if (!LoginFlows.hasPages(context)) {
            return json(Response.Status.TOO_MANY_REQUESTS, TOO_MANY_ATTEMPTS,
                    "Too many failed logins from this address; try again in " + seconds + " seconds")
                    .header("Retry-After", seconds).build();
        }
        return context.form()
                .setStatus(Response.Status.TOO_MANY_REQUESTS)
                .setResponseHeader("Retry-After", seconds)
                .setAttribute("guardTitle", "guardRateLimitedTitle")
                .setAttribute("guardMessage", "guardRateLimited")
                .setAttribute("guardMinutes", (retryAfter + 59) / 60)
                .createForm(TEMPLATE);
    }

    /**
     * Fail closed while Redis is down: 503, the service (not the client) is at fault. No Retry-After, as
     * nobody knows when Redis returns; the health check notices within seconds.
     */
    private static Response unavailable(AuthenticationFlowContext context) {
        if (!LoginFlows.hasPages(context)) {
            return json(Response.Status.SERVICE_UNAVAILABLE, OAuthErrorException.TEMPORARILY_UNAVAILABLE,
                    "Sign-in is temporarily unavailable; try again later").build();
        }
        return context.form()
                .setStatus(Response.Status.SERVICE_UNAVAILABLE)
                .setAttribute("guardTitle", "guardRateLimitUnavailableTitle")
                .setAttribute("guardMessage", "guardRateLimitUnavailable")
                .setAttribute("guardMinutes", 1)
                .createForm(TEMPLATE);
    }

    private static Response misconfigured(AuthenticationFlowContext context) {
        if (!LoginFlows.hasPages(context)) {
            return json(Response.Status.BAD_REQUEST, OAuthErrorException.INVALID_GRANT,
                    "IP rate limit configuration is invalid").build();
        }
        return context.form().setError("guardRateLimitMisconfigured").createErrorPage(Response.Status.FORBIDDEN);
    }

    private static Response.ResponseBuilder json(Response.Status status, String error, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store")
                .entity(new OAuth2ErrorRepresentation(error, description));
    }
}
