package io.keycloakguard.sessionlimits.config;

import io.keycloakguard.core.config.InvalidConfigurationException;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

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
                problems.add("When the limit is reached: '" + onExceed + "' must be one of "
                        + Arrays.stream(ExceedAction.values()).map(a -> "'" + a.label() + "'").collect(Collectors.joining(", ")));
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

    /**
     * A tier field: key/value rows as the console's key/value (MAP_TYPE) form stores them, a JSON list
     * {@code [{"key":"kiosk","value":"1"}]}; or, as configs written before that form, lines of {@code name=limit}
     * (one per value of a multivalued property, or separated by new lines or commas).
     */
    private static Map<String, Integer> parseRules(String field, String raw, List<String> problems) {
        Map<String, Integer> rules = new LinkedHashMap<>();
        String value = blankToNull(raw);
        if (value == null) {
            return rules;
        }
        if (isKeyValueRows(value)) {
            List<Map.Entry<String, String>> rows = keyValueRows(field, value, problems);
            for (Map.Entry<String, String> row : rows) {
                addRule(field, row.getKey().trim(), row.getValue() == null ? "" : row.getValue().trim(),
                        row.getKey() + "=" + row.getValue(), rules, problems);
            }
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
            addRule(field, rule.substring(0, eq).trim(), rule.substring(eq + 1).trim(), rule, rules, problems);
        }
        return rules;
    }

    /** Whether a tier field holds the console's key/value rows (JSON) rather than name=limit lines. */
    public static boolean isKeyValueRows(String raw) {
        return raw != null && raw.trim().startsWith("[");
    }

    private static void addRule(String field, String name, String limitText, String rule, Map<String, Integer> rules,
                                List<String> problems) {
        if (name.isEmpty()) {
            problems.add(field + ": '" + rule + "' has no name before the limit");
            return;
        }
        OptionalInt limit = parseLimit(field + " (" + name + ")", limitText, problems);
        if (limitText.isBlank()) {
            problems.add(field + ": '" + rule + "' has no limit");
        } else if (rules.containsKey(name)) {
            problems.add(field + ": '" + name + "' is listed twice");
        } else if (limit.isPresent()) {
            rules.put(name, limit.getAsInt());
        }
    }

    private static List<Map.Entry<String, String>> keyValueRows(String field, String json, List<String> problems) {
        List<Map.Entry<String, String>> rows = new ArrayList<>();
        try {
            JsonNode list = JsonSerialization.mapper.readTree(json);
            if (list == null || !list.isArray()) {
                throw new IOException("not a list");
            }
            for (JsonNode row : list) {
                if (!row.isObject() || !row.path("key").isValueNode()) {
                    throw new IOException("a row without key");
                }
                JsonNode limit = row.path("value");
                rows.add(new AbstractMap.SimpleImmutableEntry<>(row.path("key").asText(),
                        limit.isValueNode() ? limit.asText() : ""));
            }
        } catch (IOException e) {
            problems.add(field + ": '" + json + "' is neither key/value rows nor name=limit lines");
        }
        return rows;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
