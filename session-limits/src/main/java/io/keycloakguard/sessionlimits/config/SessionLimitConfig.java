package io.keycloakguard.sessionlimits.config;

import io.keycloakguard.core.config.InvalidConfigurationException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The session limiter's configuration, parsed once from the authenticator config map. Limits are
 * {@code null}-free: a rule that says 0 means "unlimited" and is kept, so that a more specific
 * 0 can lift a stricter general limit.
 */
public record SessionLimitConfig(OptionalInt realmLimit,
                                 Map<String, Integer> clientLimits,
                                 Map<String, Integer> roleLimits,
                                 Map<String, Integer> groupLimits,
                                 String userAttribute,
                                 boolean countOfflineSessions,
                                 ExceedAction onExceed) {

    public static final String REALM_LIMIT = "realmLimit";
    public static final String CLIENT_LIMITS = "clientLimits";
    public static final String ROLE_LIMITS = "roleLimits";
    public static final String GROUP_LIMITS = "groupLimits";
    public static final String USER_ATTRIBUTE = "userAttribute";
    public static final String COUNT_OFFLINE_SESSIONS = "countOfflineSessions";
    public static final String ON_EXCEED = "onExceed";

    public static final String DEFAULT_USER_ATTRIBUTE = "guard.maxSessions";
    /** How Keycloak joins the values of a multivalued string property. */
    public static final String MULTIVALUE_SEPARATOR = "##";

    public static final int MAX_LIMIT = 100_000;

    /** With no config at all the limiter limits nothing. */
    public static final SessionLimitConfig UNLIMITED = new SessionLimitConfig(OptionalInt.empty(), Map.of(), Map.of(),
            Map.of(), DEFAULT_USER_ATTRIBUTE, false, ExceedAction.DENY);

    /**
     * Parses a raw config map; every problem is reported at once, each naming the field and the value.
     *
     * @throws InvalidConfigurationException listing every problem found
     */
    public static SessionLimitConfig parse(Map<String, String> raw) {
        Map<String, String> config = raw == null ? Map.of() : raw;
        List<String> problems = new ArrayList<>();
        OptionalInt realmLimit = parseLimit("Realm limit", config.get(REALM_LIMIT), problems);
        Map<String, Integer> clients = parseRules("Client limits", config.get(CLIENT_LIMITS), problems);
        Map<String, Integer> roles = parseRules("Role limits", config.get(ROLE_LIMITS), problems);
        Map<String, Integer> groups = parseRules("Group limits", config.get(GROUP_LIMITS), problems);
        groups.keySet().stream().filter(path -> !path.startsWith("/"))
                .forEach(path -> problems.add("Group limits: '" + path + "' must be a group path starting with '/', e.g. /staff/support"));
        String attribute = blankToNull(config.get(USER_ATTRIBUTE));
        boolean countOffline = false;
        String offline = blankToNull(config.get(COUNT_OFFLINE_SESSIONS));
        if (offline != null) {
            if (offline.equalsIgnoreCase("true") || offline.equalsIgnoreCase("false")) {
                countOffline = Boolean.parseBoolean(offline);
            } else {
                problems.add("Count offline sessions: '" + offline + "' must be true or false");
            }
        }
        ExceedAction action = ExceedAction.DENY;
        String onExceed = blankToNull(config.get(ON_EXCEED));
        if (onExceed != null) {
            action = ExceedAction.fromValue(onExceed).orElse(null);
            if (action == null) {
                problems.add("On exceed: '" + onExceed + "' must be one of deny, end-least-recently-active, end-oldest, let-user-choose");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(String.join("; ", problems));
        }
        return new SessionLimitConfig(realmLimit, Collections.unmodifiableMap(clients), Collections.unmodifiableMap(roles),
                Collections.unmodifiableMap(groups), attribute == null ? DEFAULT_USER_ATTRIBUTE : attribute, countOffline,
                action);
    }

    /** A limit as an admin or a user attribute writes it: empty = not set, 0 = unlimited, else a positive number. */
    public static OptionalInt parseLimit(String field, String raw, List<String> problems) {
        String value = blankToNull(raw);
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit < 0 || limit > MAX_LIMIT) {
                problems.add(field + ": '" + value + "' must be between 0 (unlimited) and " + MAX_LIMIT);
                return OptionalInt.empty();
            }
            return OptionalInt.of(limit);
        } catch (NumberFormatException e) {
            problems.add(field + ": '" + value + "' is not a whole number (0 means unlimited)");
            return OptionalInt.empty();
        }
    }

    /** Lines of {@code name=limit}, one per value of a multivalued property (or separated by new lines). */
    private static Map<String, Integer> parseRules(String field, String raw, List<String> problems) {
        Map<String, Integer> rules = new LinkedHashMap<>();
        String value = blankToNull(raw);
        if (value == null) {
            return rules;
        }
        for (String entry : value.split(MULTIVALUE_SEPARATOR + "|\\R|,")) {
            String rule = entry.trim();
            if (rule.isEmpty()) {
                continue;
            }
            int eq = rule.lastIndexOf('=');
            if (eq <= 0) {
                problems.add(field + ": '" + rule + "' must look like name=limit");
                continue;
            }
            String name = rule.substring(0, eq).trim();
            OptionalInt limit = parseLimit(field + " (" + name + ")", rule.substring(eq + 1), problems);
            if (rule.substring(eq + 1).isBlank()) {
                problems.add(field + ": '" + rule + "' has no limit after '='");
            } else if (rules.containsKey(name)) {
                problems.add(field + ": '" + name + "' is listed twice");
            } else if (limit.isPresent()) {
                rules.put(name, limit.getAsInt());
            }
        }
        return rules;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
