package io.keycloakguard.authenticators.network.ippolicy;

import io.keycloakguard.core.net.IpAddresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a login from an address passes an {@link IpPolicyConfig}:
 * <ol>
 *   <li>an address that cannot be read is denied;</li>
 *   <li>deny wins: an address inside the realm deny list, or inside a {@code !network} of the login's client
 *       rule or of a rule of one of the user's groups, is denied;</li>
 *   <li>every allow list that applies must contain the address: the realm allow list (when set), the allow
 *       networks of the client's rule (when it has some), and the union of the allow networks of the rules
 *       of the user's groups (when any of them has some);</li>
 *   <li>otherwise the login passes.</li>
 * </ol>
 * A rule for a group applies to its members and to members of its subgroups.
 */
public final class IpPolicy {

    private IpPolicy() {
    }

    /** The outcome, with the rule that decided it (for the event and the log). */
    public record Decision(boolean allowed, String reason) {
        static Decision allow() {
            return new Decision(true, "allowed");
        }

        static Decision deny(String reason) {
            return new Decision(false, reason);
        }
    }

    /**
     * @param clientId   the client of the login, or null
     * @param groupPaths the paths of the user's groups and of all their parent groups, or null when the user is
     *                   not known yet
     */
    public static Decision decide(IpPolicyConfig config, String address, String clientId, Collection<String> groupPaths) {
        Optional<InetAddress> parsed = IpAddresses.parse(address);
        if (parsed.isEmpty()) {
            return Decision.deny("unknown-address");
        }
        InetAddress ip = parsed.get();
        NetworkRule clientRule = clientId == null ? null : config.clientRules().get(clientId);
        List<String> ruledGroups = new ArrayList<>();
        if (!config.groupRules().isEmpty()) {
            if (groupPaths == null) {
                return Decision.deny("group-rules-without-user");
            }
            groupPaths.stream().filter(config.groupRules()::containsKey).sorted().forEach(ruledGroups::add);
        }

        if (config.realmDeny().contains(ip)) {
            return Decision.deny("realm-deny");
        }
        if (clientRule != null && clientRule.deny().contains(ip)) {
            return Decision.deny("client-deny:" + clientId);
        }
        for (String group : ruledGroups) {
            if (config.groupRules().get(group).deny().contains(ip)) {
                return Decision.deny("group-deny:" + group);
            }
        }

        if (!config.realmAllow().isEmpty() && !config.realmAllow().contains(ip)) {
            return Decision.deny("realm-allow");
        }
        if (clientRule != null && !clientRule.allow().isEmpty() && !clientRule.allow().contains(ip)) {
            return Decision.deny("client-allow:" + clientId);
        }
        List<String> allowingGroups = ruledGroups.stream()
                .filter(g -> !config.groupRules().get(g).allow().isEmpty()).toList();
        if (!allowingGroups.isEmpty()
                && allowingGroups.stream().noneMatch(g -> config.groupRules().get(g).allow().contains(ip))) {
            return Decision.deny("group-allow:" + String.join(",", allowingGroups));
        }
        return Decision.allow();
    }
}
