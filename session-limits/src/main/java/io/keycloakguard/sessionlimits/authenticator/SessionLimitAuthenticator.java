package io.keycloakguard.sessionlimits.authenticator;

import io.keycloakguard.core.audit.GuardSignals;
import io.keycloakguard.core.compat.KeycloakCapabilities;
import io.keycloakguard.core.config.ParsedConfigCache;
import io.keycloakguard.core.lock.UserLocks;
import io.keycloakguard.core.sessions.BrowserDevice;
import io.keycloakguard.sessionlimits.config.ExceedAction;
import io.keycloakguard.sessionlimits.config.SessionLimitConfig;
import io.keycloakguard.sessionlimits.policy.LimitResolver;
import io.keycloakguard.sessionlimits.policy.ResolvedLimit;
import io.keycloakguard.sessionlimits.policy.SessionSummary;
import io.keycloakguard.sessionlimits.policy.SessionsToEnd;
import io.keycloakguard.sessionlimits.reservation.SessionReservations;
import io.keycloakguard.sessionlimits.sessions.OwnSessions;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import io.keycloakguard.core.flow.LoginFlows;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.common.Profile;
import org.keycloak.common.util.Time;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.Errors;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Enforces the session limit of a login: under the user's lock, counts the user's other sessions and,
 * when the new one would not fit, denies, ends sessions, or lets the user choose. See
 * {@link LimitResolver} for which limit applies.
 */
final class SessionLimitAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(SessionLimitAuthenticator.class);

    static final String CHOOSER_TEMPLATE = "guard-session-chooser.ftl";
    static final String ENDED_TEMPLATE = "guard-session-ended.ftl";
    static final String CANCELLED_TEMPLATE = "guard-sign-in-cancelled.ftl";
    static final String NOTE_CSRF = "guard.session-limit.csrf";
    static final String NOTE_OFFERED = "guard.session-limit.offered";
    static final String NOTE_ENDED = "guard.session-limit.ended";
    static final String FORM_CSRF = "csrf";
    static final String FORM_SESSION = "sessionId";
    static final String FORM_CANCEL = "cancel";
    static final String FORM_CONTINUE = "continue";

    static final String ERROR_LIMIT_REACHED = "guard_session_limit_reached";
    static final String ERROR_MISCONFIGURED = "guard_session_limit_misconfigured";
    static final String ERROR_INVALID_CHOICE = "guard_session_limit_invalid_choice";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ParsedConfigCache<SessionLimitConfig> configs;

    SessionLimitAuthenticator(ParsedConfigCache<SessionLimitConfig> configs) {
        this.configs = configs;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        enforce(context, null);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        context.getEvent().user(context.getUser());
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String offered = authSession.getAuthNote(NOTE_OFFERED);
        boolean csrfValid = sameToken(authSession.getAuthNote(NOTE_CSRF), form.getFirst(FORM_CSRF));
        if (form.containsKey(FORM_CANCEL) && csrfValid) {
            clearNotes(authSession);
            context.getEvent().detail(GuardSignals.EVENT_DETAIL, GuardSignals.SESSION_LIMIT_CANCELLED);
            cancel(context);
            return;
        }
        if (form.containsKey(FORM_CONTINUE) && csrfValid && authSession.getAuthNote(NOTE_ENDED) != null) {
            // After the confirmation: count again (another sign-in may have taken the freed place meanwhile).
            clearNotes(authSession);
            enforce(context, null);
            return;
        }
        String chosen = form.getFirst(FORM_SESSION);
        boolean wasOffered = offered != null && chosen != null
                && Arrays.asList(offered.split(",")).contains(chosen);
        if (!csrfValid || !wasOffered) {
            context.getEvent().clone().detail(GuardSignals.EVENT_DETAIL, GuardSignals.SESSION_LIMIT_INVALID_CHOICE)
                    .detail("reason", csrfValid ? "session not offered" : "csrf token mismatch")
                    .error(ERROR_INVALID_CHOICE);
            enforce(context, "guardSessionChooserInvalid");
            return;
        }
        KeycloakSession session = context.getSession();
        UserLocks.lock(session, context.getRealm(), context.getUser());
        OwnSessions sessions = new OwnSessions(session, context.getRealm(), context.getUser());
        Optional<UserSessionModel> target = sessions.find(chosen);
        // Described before it ends, for the confirmation.
        Optional<SessionRow> ended = target.map(s -> row(context, sessions, s, false));
        if (target.isPresent()) {
            // The user's lock is held until the login commits: the chosen session's clients are told after that.
            sessions.endLoggingOutClientsAfterCommit(target.get(), "session-limit:user-choice");
            new SessionReservations(session, context.getRealm(), context.getUser()).release(chosen);
            endedEvent(context.getEvent(), chosen, "user-choice", null, -1);
        }
        clearNotes(authSession);
        if (ended.isPresent()) {
            context.challenge(confirmation(context, ended.get()));
            return;
        }
        enforce(context, null);
    }

    private void enforce(AuthenticationFlowContext context, String errorMessage) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        // The flow's event does not always name the user yet (direct grant); every event of the limiter does.
        context.getEvent().user(user);
        ParsedConfigCache.Parsed<SessionLimitConfig> parsed = configs.get(session, realm, context.getAuthenticatorConfig());
        if (!parsed.valid()) {
            context.getEvent().clone().detail(GuardSignals.EVENT_DETAIL, GuardSignals.SESSION_LIMIT_MISCONFIGURED).error(ERROR_MISCONFIGURED);
            context.challenge(denial(context, "guardSessionLimitMisconfigured", 0));
            return;
        }
        SessionLimitConfig config = parsed.config();
        String newSessionId = context.getAuthenticationSession().getParentSession().getId();
        // A re-authentication (below) and an unlimited user both pass: which is asked first changes nothing.
        ResolvedLimit limit = resolve(session, realm, user, context, config);
        if (limit.unlimited()) {
            context.success();
            return;
        }
        // Held until this login's transaction ends: a parallel login of the same user on any node
        // counts only after this one committed, and sees its reservation.
        UserLocks.lock(session, realm, user);
        long now = Time.currentTime();
        OwnSessions sessions = new OwnSessions(session, realm, user);
        SessionReservations reservations = new SessionReservations(session, realm, user);
        // Reservations first, stored sessions second: a concurrent login elsewhere stores its session and
        // only then deletes its reservation, so read in this order one of the two is always seen (under
        // READ COMMITTED each statement sees what was committed before it started).
        Set<String> counted = new HashSet<>(reservations.pending(limit.clientScope(), now, newSessionId));
        if (limit.clientScope() == null) {
            OwnSessions.StoredSessionIds stored = sessions.storedOnlineSessionIds(now);
            if (storedRowsAreComplete(config)) {
                // Every online session of the user is among the rows just read: Keycloak is asked about this id
                // only when it is one of them (a re-authentication), not on every login.
                if (stored.all().contains(newSessionId) && isReauthentication(context, session, realm, user, newSessionId)) {
                    context.success();
                    return;
                }
                if (otherSessions(session, newSessionId, counted, stored.all()) < limit.limit()) {
                    grant(context, reservations, limit, now);
                    return;
                }
            } else if (isReauthentication(context, session, realm, user, newSessionId)) {
                context.success();
                return;
            }
            counted.addAll(stored.live());
        } else if (isReauthentication(context, session, realm, user, newSessionId)) {
            context.success();
            return;
        }
        List<UserSessionModel> existing = sessions.list(config.countOfflineSessions(), limit.clientScope()).stream()
                .filter(s -> !s.getId().equals(newSessionId)).toList();
        int count = otherSessions(session, newSessionId, counted, existing.stream().map(UserSessionModel::getId).toList());
        // Sessions counted but not endable here: stored a moment ago elsewhere, or not stored yet.
        int pending = count - existing.size();
        if (count < limit.limit()) {
            grant(context, reservations, limit, now);
            return;
        }
        ExceedAction action = config.onExceed();
        if (action == ExceedAction.LET_USER_CHOOSE && !LoginFlows.hasPages(context)) {
            // No pages in this flow (direct grant): nobody can choose.
            action = ExceedAction.DENY;
        }
        if ((action == ExceedAction.END_LEAST_RECENTLY_ACTIVE || action == ExceedAction.END_OLDEST)
                && count - existing.size() >= limit.limit()) {
            // Every slot is held by logins still being stored: nothing that can be ended would make room.
            action = ExceedAction.DENY;
        }
        switch (action) {
            case DENY -> {
                enforcementEvent(context.getEvent().clone(), limit, count)
                        .detail(GuardSignals.EVENT_DETAIL, GuardSignals.SESSION_LIMIT_DENIED).error(ERROR_LIMIT_REACHED);
                context.challenge(denial(context, "guardSessionLimitReached", limit.limit()));
            }
            case END_LEAST_RECENTLY_ACTIVE, END_OLDEST -> {
                String reason = action == ExceedAction.END_OLDEST ? "oldest" : "least-recently-active";
                List<SessionSummary> victims = SessionsToEnd.toMakeRoom(
                        existing.stream().map(OwnSessions::summary).toList(), limit.limit() - pending,
                        action);
                for (SessionSummary victim : victims) {
                    // Under the user's lock: the victims' clients are logged out once the login has committed.
                    sessions.find(victim.id()).ifPresent(s -> sessions.endLoggingOutClientsAfterCommit(s,
                            "session-limit:" + reason));
                    reservations.release(victim.id());
                    endedEvent(context.getEvent(), victim.id(), reason, limit, count);
                }
                grant(context, reservations, limit, now);
            }
            case LET_USER_CHOOSE -> context.challenge(chooser(context, sessions, existing, limit, errorMessage));
        }
    }

    /**
     * With persistent user sessions (Keycloak 26's default) every other online session of the user is a stored row
     * or, while its login commits, a reservation. If even every stored row, expired ones included, leaves room, the
     * login fits, and loading Keycloak's session objects (the costliest step of a login here) is not needed; they
     * are loaded only when sessions may have to be ended or offered.
     */
    private static boolean storedRowsAreComplete(SessionLimitConfig config) {
        return !config.countOfflineSessions() && Profile.isFeatureEnabled(Profile.Feature.PERSISTENT_USER_SESSIONS);
    }

    /** The distinct sessions among these ids other than the new one and those this request ended. */
    private static int otherSessions(KeycloakSession session, String newSessionId, Set<String> ids,
                                     List<String> moreIds) {
        Set<String> others = new HashSet<>(ids);
        others.addAll(moreIds);
        others.remove(newSessionId);
        others.removeAll(OwnSessions.endedInThisRequest(session));
        return others.size();
    }

    private static void grant(AuthenticationFlowContext context, SessionReservations reservations, ResolvedLimit limit,
                              long now) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String sessionId = authSession.getParentSession().getId();
        reservations.reserve(sessionId, authSession.getClient() == null ? null : authSession.getClient().getClientId(), now);
        KeycloakSession session = context.getSession();
        session.getTransactionManager().enlistAfterCompletion(SessionReservations.settleAfterCompletion(
                session.getKeycloakSessionFactory(), context.getUser().getId(), sessionId));
        context.success();
    }

    /**
     * Keycloak reuses the SSO session's id for the authentication session of a re-authentication (prompt=login,
     * max_age, step-up): that login creates no new session. The direct grant's authentication session is never one:
     * Keycloak's token endpoint creates it, with a new random id, in the same request; for other flows Keycloak's
     * session of that id is looked up.
     */
    private static boolean isReauthentication(AuthenticationFlowContext context, KeycloakSession session,
                                              RealmModel realm, UserModel user, String newSessionId) {
        if (LoginFlows.isTokenEndpoint(context)) {
            return false;
        }
        UserSessionModel existing = session.sessions().getUserSession(realm, newSessionId);
        return existing != null && existing.getUser() != null && user.getId().equals(existing.getUser().getId());
    }

    private static ResolvedLimit resolve(KeycloakSession session, RealmModel realm, UserModel user,
                                         AuthenticationFlowContext context, SessionLimitConfig config) {
        Set<String> roles = config.roleLimits().keySet().stream()
                .filter(name -> {
                    RoleModel role = realm.getRole(name);
                    return role != null && user.hasRole(role);
                })
                .collect(Collectors.toSet());
        List<String> groups = config.groupLimits().isEmpty() ? List.of()
                : user.getGroupsStream().map(KeycloakModelUtils::buildGroupPath).toList();
        String clientId = context.getAuthenticationSession().getClient() == null ? null
                : context.getAuthenticationSession().getClient().getClientId();
        return LimitResolver.resolve(config, user.getFirstAttribute(config.userAttribute()), clientId, roles, groups,
                invalid -> LOG.warnf("User %s of realm %s has an invalid %s '%s'; the next rule applies",
                        user.getId(), realm.getName(), config.userAttribute(), invalid));
    }

    private Response chooser(AuthenticationFlowContext context, OwnSessions sessions,
                             List<UserSessionModel> existing, ResolvedLimit limit, String errorMessage) {
        String csrf = newToken();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        authSession.setAuthNote(NOTE_CSRF, csrf);
        authSession.setAuthNote(NOTE_OFFERED, existing.stream().map(UserSessionModel::getId).collect(Collectors.joining(",")));
        // The session signed in from the device this browser's cookie proves is "This device" (a session records its
        // device when "Guard: remember device" ran in its flow).
        String thisDevice = BrowserDevice.current(context.getSession(), context.getRealm(), context.getUser().getId())
                .orElse(null);
        var form = context.form()
                .setAttribute("guardSessions", existing.stream()
                        .sorted((a, b) -> Integer.compare(b.getLastSessionRefresh(), a.getLastSessionRefresh()))
                        .map(s -> row(context, sessions, s,
                                thisDevice != null && thisDevice.equals(s.getNote(BrowserDevice.SESSION_NOTE))))
                        .toList())
                .setAttribute("guardLimit", limit.limit())
                .setAttribute("guardCsrf", csrf);
        if (errorMessage != null) {
            form.setError(errorMessage);
        }
        return form.createForm(CHOOSER_TEMPLATE);
    }

    private static SessionRow row(AuthenticationFlowContext context, OwnSessions sessions, UserSessionModel s,
                                  boolean thisDevice) {
        // The client's name as its admin set it (a ${key} the template resolves, as the account console does), else
        // its client id.
        List<String> names = s.getAuthenticatedClientSessions().values().stream()
                .map(AuthenticatedClientSessionModel::getClient).filter(Objects::nonNull)
                .map(c -> c.getName() == null || c.getName().isBlank() ? c.getClientId() : c.getName())
                .distinct().sorted().toList();
        return SessionRow.of(sessions.view(s, null), names, Time.currentTime(),
                context.getSession().getContext().resolveLocale(context.getUser()), thisDevice);
    }

    /**
     * The page after the user ended a session, naming it. Keycloak completes a login with a redirect to the
     * application, which shows nothing of ours: the confirmation is a page of the flow, and Continue counts again.
     */
    private static Response confirmation(AuthenticationFlowContext context, SessionRow ended) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String csrf = newToken();
        authSession.setAuthNote(NOTE_CSRF, csrf);
        authSession.setAuthNote(NOTE_ENDED, ended.getId());
        return context.form().setAttribute("guardEnded", ended).setAttribute("guardCsrf", csrf)
                .createForm(ENDED_TEMPLATE);
    }

    /**
     * "Cancel sign-in": what {@code context.cancelLogin()} does (the {@code rejected_by_user} event, the end of this
     * browser tab's login), except that the user lands on the pack's "Sign-in cancelled" page instead of being sent
     * to the application with {@code error=access_denied}, which applications show as a failure.
     */
    private static void cancel(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        Response page = context.form()
                .setAttribute("guardBackUrl", BackToApplication.url(context.getSession(), authSession))
                .setAttribute("guardClientName", clientName(authSession.getClient()))
                .createForm(CANCELLED_TEMPLATE);
        context.getEvent().error(Errors.REJECTED_BY_USER);
        new AuthenticationSessionManager(context.getSession())
                .removeTabIdInAuthenticationSession(context.getRealm(), authSession);
        context.forceChallenge(page);
    }

    private static String clientName(ClientModel client) {
        if (client == null) {
            return "";
        }
        return client.getName() == null || client.getName().isBlank() ? client.getClientId() : client.getName();
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Response denial(AuthenticationFlowContext context, String message, int limit) {
        if (!LoginFlows.hasPages(context)) {
            String description = limit > 0 ? "Session limit reached: at most " + limit + " sessions at once"
                    : "Session limit configuration is invalid";
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new OAuth2ErrorRepresentation("invalid_grant", description)).build();
        }
        return context.form().setError(message, limit).createErrorPage(Response.Status.FORBIDDEN);
    }

    private static EventBuilder enforcementEvent(EventBuilder event, ResolvedLimit limit, int count) {
        return event.detail("limit", String.valueOf(limit.limit()))
                .detail("session_count", String.valueOf(count))
                .detail("policy", limit.policy());
    }

    private static void endedEvent(EventBuilder flowEvent, String endedSession, String reason, ResolvedLimit limit,
                                   int count) {
        // USER_SESSION_DELETED where Keycloak has it (26.5+), else LOGOUT: never the constant itself here.
        EventBuilder event = flowEvent.clone().event(KeycloakCapabilities.current().sessionEndedEvent())
                .session(endedSession)
                .detail(GuardSignals.EVENT_DETAIL, GuardSignals.SESSION_LIMIT_ENDED).detail("reason", reason)
                .detail("ended_session", endedSession);
        if (limit != null) {
            enforcementEvent(event, limit, count);
        }
        event.success();
    }

    private static boolean sameToken(String expected, String actual) {
        return expected != null && actual != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    private static void clearNotes(AuthenticationSessionModel authSession) {
        authSession.removeAuthNote(NOTE_CSRF);
        authSession.removeAuthNote(NOTE_OFFERED);
        authSession.removeAuthNote(NOTE_ENDED);
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
