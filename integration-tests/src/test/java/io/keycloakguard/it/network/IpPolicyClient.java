package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.AuthFlows;
import io.restassured.response.Response;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A public client whose browser and direct-grant flows are copies of Keycloak's with "Guard: IP allow/deny
 * lists" added after the password step (or first, {@link Placement}), configured as an admin does in the console.
 * {@code ${client}} in a config value stands for the client's id.
 */
record IpPolicyClient(NetworkRealm realm, String clientId, String redirectUri, String browserFlow, String directGrantFlow,
                      String browserExecution, String directGrantExecution, String configAlias) {

    static final String AUTHENTICATOR = "guard-ip-policy";

    /** Where the policy goes in both flows. */
    enum Placement {
        /** Before any credential is checked: the place for realm and client rules (docs/network-policies.md). */
        FIRST,
        /** After the password step, where group rules must be (they need the user). */
        AFTER_PASSWORD
    }

    static IpPolicyClient create(NetworkRealm realm, String hint, Map<String, String> config) {
        return create(realm, hint, config, Placement.AFTER_PASSWORD);
    }

    static IpPolicyClient create(NetworkRealm realm, String hint, Map<String, String> config, Placement placement) {
        String name = hint + "-" + UUID.randomUUID().toString().substring(0, 6);
        AuthFlows flows = new AuthFlows(realm.admin(), realm.name());
        flows.copy("browser", name + "-browser");
        String browserExecution = flows.addRequired(name + "-browser forms", AUTHENTICATOR);
        flows.copy("direct grant", name + "-dg");
        String dgExecution = flows.addRequired(name + "-dg", AUTHENTICATOR);
        if (placement == Placement.FIRST) {
            flows.moveFirst(name + "-browser forms", browserExecution);
            flows.moveFirst(name + "-dg", dgExecution);
        }
        String redirectUri = "http://127.0.0.1:9/" + name + "/callback";
        flows.createClient(name, redirectUri, name + "-browser", name + "-dg", Map.of());
        IpPolicyClient client = new IpPolicyClient(realm, name, redirectUri, name + "-browser", name + "-dg",
                browserExecution, dgExecution, "ip-" + name);
        client.configure(config);
        return client;
    }

    /** Another client on the same flows (so under the same config). */
    String sibling(String hint) {
        String name = hint + "-" + UUID.randomUUID().toString().substring(0, 6);
        new AuthFlows(realm.admin(), realm.name()).createClient(name, "http://127.0.0.1:9/" + name, browserFlow,
                directGrantFlow, Map.of());
        return name;
    }

    /** Saves the config on both flows (the direct grant's under {@link #configAlias()}); fails unless Keycloak accepts it. */
    void configure(Map<String, String> config) {
        Map<String, String> resolved = config.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().replace("${client}", clientId)));
        AuthFlows flows = new AuthFlows(realm.admin(), realm.name());
        for (String execution : List.of(browserExecution, directGrantExecution)) {
            String alias = execution.equals(directGrantExecution) ? configAlias : configAlias + "-browser";
            flows.saveAcceptedConfig(execution, alias, resolved);
        }
    }

    /** Replaces the direct grant's config, as an admin editing it in the console. */
    Response updateDirectGrantConfig(Map<String, String> config) {
        AuthFlows flows = new AuthFlows(realm.admin(), realm.name());
        return flows.updateConfig(flows.configIdOf(directGrantFlow, directGrantExecution), configAlias, config);
    }

    Response passwordGrantFrom(String ip, String username) {
        return realm.passwordGrantFrom(ip, clientId, username);
    }
}
