package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.AuthFlows;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Client profiles with the network-binding executor and policies applying them to the clients that carry
 * the client attribute {@value #ATTRIBUTE} with the profile's name, saved as an admin does through the
 * client-policies REST API.
 */
final class BindingProfiles {

    static final String EXECUTOR = "guard-network-binding";
    static final String ATTRIBUTE = "guard-network-binding-test";

    private final NetworkRealm realm;
    private final List<Map<String, Object>> profiles = new ArrayList<>();

    BindingProfiles(NetworkRealm realm) {
        this.realm = realm;
    }

    static Map<String, Object> profile(String name, Map<String, Object> configuration) {
        return Map.of("name", name, "description", "network binding " + name,
                "executors", List.of(Map.of("executor", EXECUTOR, "configuration", configuration)));
    }

    /** Saves the profiles; the raw response, to check refusals. */
    Response saveProfiles(List<Map<String, Object>> all) {
        return realm.admin().request().body(Map.of("profiles", all))
                .put("/admin/realms/{realm}/client-policies/profiles", realm.name());
    }

    List<Map<String, Object>> storedProfiles() {
        return realm.admin().request().get("/admin/realms/{realm}/client-policies/profiles", realm.name())
                .then().statusCode(200).extract().jsonPath().getList("profiles");
    }

    /** Adds a profile and a policy that applies it to clients with the attribute set to its name. */
    void add(String name, Map<String, Object> configuration) {
        profiles.add(profile(name, configuration));
        Response saved = saveProfiles(profiles);
        if (saved.statusCode() != 204) {
            throw new AssertionError("Profiles refused: " + saved.statusCode() + " " + saved.asString());
        }
        List<Map<String, Object>> policies = new ArrayList<>();
        for (Map<String, Object> p : profiles) {
            String profile = (String) p.get("name");
            policies.add(Map.of("name", profile, "description", "", "enabled", true,
                    "conditions", List.of(Map.of("condition", "client-attributes", "configuration",
                            Map.of("attributes", "[{\"key\":\"" + ATTRIBUTE + "\",\"value\":\"" + profile + "\"}]"))),
                    "profiles", List.of(profile)));
        }
        realm.admin().request().body(Map.of("policies", policies))
                .put("/admin/realms/{realm}/client-policies/policies", realm.name()).then().statusCode(204);
    }

    /** A new public client (direct grant on) the named profile applies to; returns its client id. */
    String client(String profile) {
        String clientId = profile + "-" + UUID.randomUUID().toString().substring(0, 6);
        new AuthFlows(realm.admin(), realm.name()).createClient(clientId, "http://127.0.0.1:9/" + clientId, null, null,
                Map.of("attributes", Map.of(ATTRIBUTE, profile)));
        return clientId;
    }
}
