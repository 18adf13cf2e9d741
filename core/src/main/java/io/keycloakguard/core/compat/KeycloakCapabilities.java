package io.keycloakguard.core.compat;

import org.jboss.logging.Logger;
import org.keycloak.common.Version;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;
import org.keycloak.services.clientpolicy.context.UserInfoRequestContext;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What of Keycloak's API differs between the releases the pack supports (26.4 to 26.7), decided once from what
 * this Keycloak has, never from its version string: a constant, method or class a release lacks is looked up by
 * name here, and the pack's code asks this class instead of naming it (naming it would fail at request time with
 * {@code NoSuchFieldError} on the releases without it). What is missing is logged once at start-up and listed in
 * the pack status endpoint's {@code compatibility} section, each with what the pack does instead
 * (docs/operations.md, "Keycloak versions").
 */
public final class KeycloakCapabilities {

    private static final Logger LOG = Logger.getLogger(KeycloakCapabilities.class);

    /** Keycloak 26.5 added it for sessions that end without a logout (expired, removed); 26.4 has LOGOUT only. */
    static final String USER_SESSION_DELETED = "USER_SESSION_DELETED";

    /**
     * Keycloak 26.7 gives the userinfo and refresh-response client-policy contexts the client session
     * ({@code getClientSession()}); 26.4 and 26.5 do not (and trigger userinfo's before verifying the token).
     */
    static final String GET_CLIENT_SESSION = "getClientSession";

    /** Something this Keycloak lacks ({@code missing}: the fully qualified name), and what the pack does instead. */
    public record Unavailable(String missing, String instead) {
    }

    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private static final class Holder {
        static final KeycloakCapabilities CURRENT = detect(KeycloakCapabilities::eventType,
                type -> CLIENT_SESSION_GETTER.get(type) != null);
    }

    /** {@code getClientSession()} of a client-policy context class, or null where the class has none. */
    private static final ClassValue<MethodHandle> CLIENT_SESSION_GETTER = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return MethodHandles.publicLookup().findVirtual(type, GET_CLIENT_SESSION,
                        MethodType.methodType(AuthenticatedClientSessionModel.class));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                return null;
            }
        }
    };

    private final EventType sessionEndedEvent;
    private final List<Unavailable> unavailable;

    private KeycloakCapabilities(EventType sessionEndedEvent, List<Unavailable> unavailable) {
        this.sessionEndedEvent = sessionEndedEvent;
        this.unavailable = List.copyOf(unavailable);
    }

    /** This Keycloak's capabilities, detected on first use. */
    public static KeycloakCapabilities current() {
        return Holder.CURRENT;
    }

    /** Detects from a lookup of event types by name and of client-session getters; package-private for tests. */
    static KeycloakCapabilities detect(Function<String, Optional<EventType>> eventTypes,
                                       Predicate<Class<?>> carriesClientSession) {
        List<Unavailable> unavailable = new ArrayList<>();
        EventType sessionEnded = eventTypes.apply(USER_SESSION_DELETED).orElse(null);
        if (sessionEnded == null) {
            sessionEnded = EventType.LOGOUT;
            unavailable.add(new Unavailable(EventType.class.getName() + "." + USER_SESSION_DELETED,
                    "sessions the pack ends (session limit, chooser, guard-account endpoint) are recorded as LOGOUT "
                            + "events, with the same details (guard_event, ended_session, reason)"));
        }
        for (Class<?> context : List.of(UserInfoRequestContext.class, TokenRefreshResponseContext.class)) {
            if (!carriesClientSession.test(context)) {
                unavailable.add(new Unavailable(context.getName() + "." + GET_CLIENT_SESSION + "()",
                        context == UserInfoRequestContext.class
                                ? "network binding on userinfo: this Keycloak evaluates client policies there before it "
                                + "knows the client, so only a policy whose condition does not name clients (any-client) "
                                + "runs, and the executor verifies the access token itself (signature, expiry, session, user)"
                                : "network binding finds the session of a refresh it could not judge before from the "
                                + "tokens Keycloak issued"));
            }
        }
        return new KeycloakCapabilities(sessionEnded, unavailable);
    }

    private static Optional<EventType> eventType(String name) {
        return Arrays.stream(EventType.values()).filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * The event type of a session the pack ends that the user did not log out of: {@code USER_SESSION_DELETED}
     * where Keycloak has it, else {@code LOGOUT}.
     */
    public EventType sessionEndedEvent() {
        return sessionEndedEvent;
    }

    /** Whether client-policy contexts of this class hand out their client session (Keycloak 26.7). */
    public static boolean carriesClientSession(Class<?> contextType) {
        return CLIENT_SESSION_GETTER.get(contextType) != null;
    }

    /** The client session a client-policy context carries; only where {@link #carriesClientSession} says so. */
    public static AuthenticatedClientSessionModel clientSessionCarriedBy(Object context) {
        MethodHandle getter = CLIENT_SESSION_GETTER.get(context.getClass());
        if (getter == null) {
            throw new IllegalStateException(context.getClass().getName() + " has no " + GET_CLIENT_SESSION + "()");
        }
        try {
            return (AuthenticatedClientSessionModel) getter.invoke(context);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** What this Keycloak lacks; empty on a release that has everything the pack uses. */
    public List<Unavailable> unavailable() {
        return unavailable;
    }

    /** The pack status endpoint's {@code compatibility} section. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("keycloak", Version.VERSION);
        status.put("unavailable", unavailable.stream().map(u -> {
            Map<String, String> item = new LinkedHashMap<>();
            item.put("missing", u.missing());
            item.put("instead", u.instead());
            return item;
        }).toList());
        return status;
    }

    /** Logs each missing capability once, at start-up (called by a provider factory's postInit). */
    public static void logAtStartUp() {
        if (!LOGGED.compareAndSet(false, true)) {
            return;
        }
        for (Unavailable u : current().unavailable()) {
            LOG.warnf("Keycloak Guard on Keycloak %s: not available on this Keycloak: %s. Instead: %s",
                    Version.VERSION, u.missing(), u.instead());
        }
    }
}
