package io.keycloakguard.sessionlimits.policy;

import io.keycloakguard.sessionlimits.config.ExceedAction;

import java.util.Comparator;
import java.util.List;

/** Which sessions make room for a new login under the automatic exceed actions. */
public final class SessionsToEnd {

    private static final Comparator<SessionSummary> LEAST_RECENTLY_ACTIVE = Comparator
            .comparingLong(SessionSummary::lastActive).thenComparingLong(SessionSummary::started)
            .thenComparing(SessionSummary::id);
    private static final Comparator<SessionSummary> OLDEST = Comparator
            .comparingLong(SessionSummary::started).thenComparingLong(SessionSummary::lastActive)
            .thenComparing(SessionSummary::id);

    private SessionsToEnd() {
    }

    /**
     * The sessions to end so that {@code existing} plus the new one fit in {@code limit}: none when they
     * already fit, else the {@code existing.size() - limit + 1} first in the action's order.
     */
    public static List<SessionSummary> toMakeRoom(List<SessionSummary> existing, int limit, ExceedAction action) {
        int excess = existing.size() - limit + 1;
        if (limit == 0 || excess <= 0) {
            return List.of();
        }
        Comparator<SessionSummary> order = switch (action) {
            case END_LEAST_RECENTLY_ACTIVE -> LEAST_RECENTLY_ACTIVE;
            case END_OLDEST -> OLDEST;
            default -> throw new IllegalArgumentException(action + " does not end sessions by itself");
        };
        return existing.stream().sorted(order).limit(excess).toList();
    }
}
