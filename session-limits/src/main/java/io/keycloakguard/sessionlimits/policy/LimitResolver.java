package io.keycloakguard.sessionlimits.policy;

import io.keycloakguard.sessionlimits.config.SessionLimitConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Picks the limit for a login. The most specific rule wins:
 * <ol>
 *   <li>the user's own attribute (e.g. {@code guard.maxSessions});</li>
 *   <li>a rule for the client the user logs in to (it counts only sessions that use that client);</li>
 *   <li>a rule for a group the user is in, directly or through a subgroup: the deepest group path wins;</li>
 *   <li>a rule for a realm role the user has, directly, through a composite or a group;</li>
 *   <li>the realm limit.</li>
 * </ol>
 * Among equally specific matches (two roles, two groups at the same depth) the most generous wins,
 * so that adding a user to a tier never lowers their limit. 0 means unlimited at every level.
 */
public final class LimitResolver {

    private LimitResolver() {
    }

    /**
     * @param userAttributeValue the raw value of the user's limit attribute, or null
     * @param clientId           the client the user logs in to, or null
     * @param roleNames          the user's effective realm role names
     * @param groupPaths         the paths of the groups the user is a direct member of (e.g. {@code /staff/support})
     * @param invalidAttribute   receives the attribute value when it is not a valid limit (it is then ignored)
     */
    public static ResolvedLimit resolve(SessionLimitConfig config, String userAttributeValue, String clientId,
                                        Collection<String> roleNames, Collection<String> groupPaths,
                                        java.util.function.Consumer<String> invalidAttribute) {
        if (userAttributeValue != null && !userAttributeValue.isBlank()) {
            List<String> problems = new ArrayList<>();
            OptionalInt own = SessionLimitConfig.parseLimit(config.userAttribute(), userAttributeValue, problems);
            if (own.isPresent()) {
                return new ResolvedLimit(own.getAsInt(), "user-attribute:" + config.userAttribute(), null);
            }
            invalidAttribute.accept(userAttributeValue);
        }
        if (clientId != null && config.clientLimits().containsKey(clientId)) {
            return new ResolvedLimit(config.clientLimits().get(clientId), "client:" + clientId, clientId);
        }
        Optional<ResolvedLimit> group = groupRule(config.groupLimits(), groupPaths);
        if (group.isPresent()) {
            return group.get();
        }
        Optional<Map.Entry<String, Integer>> role = config.roleLimits().entrySet().stream()
                .filter(rule -> roleNames.contains(rule.getKey()))
                .max(Comparator.comparingLong(rule -> generosity(rule.getValue())));
        if (role.isPresent()) {
            return new ResolvedLimit(role.get().getValue(), "role:" + role.get().getKey(), null);
        }
        if (config.realmLimit().isPresent()) {
            return new ResolvedLimit(config.realmLimit().getAsInt(), "realm", null);
        }
        return ResolvedLimit.NONE;
    }

    private static Optional<ResolvedLimit> groupRule(Map<String, Integer> rules, Collection<String> memberOf) {
        ResolvedLimit best = null;
        int bestDepth = -1;
        for (Map.Entry<String, Integer> rule : rules.entrySet()) {
            if (memberOf.stream().noneMatch(path -> isSameOrDescendant(path, rule.getKey()))) {
                continue;
            }
            int depth = depth(rule.getKey());
            if (depth > bestDepth || (depth == bestDepth && generosity(rule.getValue()) > generosity(best.limit()))) {
                best = new ResolvedLimit(rule.getValue(), "group:" + rule.getKey(), null);
                bestDepth = depth;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean isSameOrDescendant(String path, String ancestor) {
        String a = stripTrailingSlash(ancestor);
        return path.equals(a) || path.startsWith(a + "/");
    }

    private static int depth(String path) {
        return (int) stripTrailingSlash(path).chars().filter(c -> c == '/').count();
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** Unlimited (0) is the most generous limit of all. */
    private static long generosity(int limit) {
        return limit == 0 ? Long.MAX_VALUE : limit;
    }
}
