package io.keycloakguard.authenticators.network.ippolicy;

import io.keycloakguard.core.config.InvalidConfigurationException;
import io.keycloakguard.core.net.CidrList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The IP allow/deny lists of one authenticator config, parsed once. */
public record IpPolicyConfig(CidrList realmAllow, CidrList realmDeny, Map<String, NetworkRule> clientRules,
                             Map<String, NetworkRule> groupRules) {

    public static final String REALM_ALLOW = "realmAllow";
    public static final String REALM_DENY = "realmDeny";
    public static final String CLIENT_RULES = "clientRules";
    public static final String GROUP_RULES = "groupRules";

    /** How Keycloak joins the values of a multivalued string property. */
    static final String MULTIVALUE_SEPARATOR = "##";

    /** With no config at all, nothing is restricted. */
    public static final IpPolicyConfig OPEN = new IpPolicyConfig(CidrList.EMPTY, CidrList.EMPTY, Map.of(), Map.of());

    /** What could be read of a config, and every problem found on the way. */
    public record Reading(IpPolicyConfig config, List<String> problems) {
    }

    /**
     * Parses a raw config map; every problem is reported at once, each naming the field and the bad entry.
     *
     * @throws InvalidConfigurationException listing every problem
     */
    public static IpPolicyConfig parse(Map<String, String> raw) {
        Reading reading = read(raw);
        if (!reading.problems().isEmpty()) {
            throw new InvalidConfigurationException(String.join("; ", reading.problems()));
        }
        return reading.config();
    }

    /**
     * Reads what it can: bad entries are left out and named in the problems, so that the names of the rules
     * can still be checked against the realm and the admin learns every problem at once.
     */
    public static Reading read(Map<String, String> raw) {
        Map<String, String> config = raw == null ? Map.of() : raw;
        List<String> problems = new ArrayList<>();
        CidrList allow = networks("Realm allow list", config.get(REALM_ALLOW), problems);
        CidrList deny = networks("Realm deny list", config.get(REALM_DENY), problems);
        Map<String, NetworkRule> clients = rules("Client rules", "clientId", config.get(CLIENT_RULES), problems);
        Map<String, NetworkRule> groups = rules("Group rules", "/group/path", config.get(GROUP_RULES), problems);
        groups.keySet().stream().filter(path -> !path.startsWith("/"))
                .forEach(path -> problems.add("Group rules: '" + path + "' must be a group path starting with '/', e.g. /staff/support"));
        return new Reading(new IpPolicyConfig(allow, deny, Collections.unmodifiableMap(clients),
                Collections.unmodifiableMap(groups)), List.copyOf(problems));
    }

    private static CidrList networks(String field, String text, List<String> problems) {
        try {
            return CidrList.parse(field, text);
        } catch (InvalidConfigurationException e) {
            problems.add(e.getMessage());
            return CidrList.EMPTY;
        }
    }

    /** Rules {@code name=networks}, one per value of a multivalued property (or per line); {@code !network} denies. */
    private static Map<String, NetworkRule> rules(String field, String nameHint, String raw, List<String> problems) {
        Map<String, NetworkRule> rules = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return rules;
        }
        for (String entry : raw.split(MULTIVALUE_SEPARATOR + "|\\R")) {
            String rule = entry.trim();
            if (rule.isEmpty()) {
                continue;
            }
            // Networks never contain '=', names might: the last '=' separates them.
            int eq = rule.lastIndexOf('=');
            String name = eq < 0 ? "" : rule.substring(0, eq).trim();
            String networks = eq < 0 ? "" : rule.substring(eq + 1).trim();
            if (name.isEmpty() || networks.isEmpty()) {
                problems.add(field + ": '" + shorten(rule) + "' must look like " + nameHint + "=network network …");
                continue;
            }
            if (rules.containsKey(name)) {
                problems.add(field + ": '" + name + "' is listed twice");
                continue;
            }
            List<String> allowed = new ArrayList<>();
            List<String> denied = new ArrayList<>();
            for (String network : CidrList.entries(networks)) {
                if (network.equals("!")) {
                    problems.add(field + " (" + name + "): '!' must be followed by a network without a space, e.g. !10.0.0.0/8");
                } else if (network.startsWith("!")) {
                    denied.add(network.substring(1));
                } else {
                    allowed.add(network);
                }
            }
            String what = field + " (" + name + ")";
            rules.put(name, new NetworkRule(networks(what, String.join(",", allowed), problems),
                    networks(what, String.join(",", denied), problems)));
        }
        return rules;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
