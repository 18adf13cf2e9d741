package io.keycloakguard.it.harness;

import io.restassured.response.Response;

import java.util.List;
import java.util.Map;

/**
 * Builds authentication flows through the admin REST API, as an admin does in the console: copy one of
 * Keycloak's flows, add a pack authenticator to it with a config, and bind a client to the copy.
 */
public final class AuthFlows {

    private final KeycloakAdmin admin;
    private final String realm;

    public AuthFlows(KeycloakAdmin admin, String realm) {
        this.admin = admin;
        this.realm = realm;
    }

    /** Copies a built-in flow (e.g. {@code browser}, {@code direct grant}) under a new alias. */
    public void copy(String flowAlias, String newAlias) {
        admin.request().body(Map.of("newName", newAlias))
                .post("/admin/realms/{realm}/authentication/flows/{flow}/copy", realm, flowAlias)
                .then().statusCode(201);
    }

    /**
     * Adds an authenticator as REQUIRED at the end of a flow or subflow (e.g. {@code "my-browser forms"});
     * returns the execution id.
     */
    public String addRequired(String flowAlias, String providerId) {
        Response response = admin.request().body(Map.of("provider", providerId))
                .post("/admin/realms/{realm}/authentication/flows/{flow}/executions/execution", realm, flowAlias);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Adding " + providerId + " to " + flowAlias + " failed: "
                    + response.statusCode() + " " + response.asString());
        }
        List<Map<String, Object>> executions = executions(flowAlias);
        Map<String, Object> added = executions.stream()
                .filter(e -> providerId.equals(e.get("providerId"))).reduce((a, b) -> b).orElseThrow();
        added.put("requirement", "REQUIRED");
        admin.request().body(added)
                .put("/admin/realms/{realm}/authentication/flows/{flow}/executions", realm, flowAlias)
                .then().statusCode(204);
        return (String) added.get("id");
    }

    /** Adds an empty subflow at the end of a flow with the given requirement (e.g. CONDITIONAL). */
    public void addSubflow(String parentAlias, String alias, String requirement) {
        // The REST API wants a form provider even for a plain subflow; the console sends this one.
        admin.request().body(Map.of("alias", alias, "type", "basic-flow", "description", alias,
                        "provider", "registration-page-form"))
                .post("/admin/realms/{realm}/authentication/flows/{flow}/executions/flow", realm, parentAlias)
                .then().statusCode(201);
        Map<String, Object> subflow = executions(parentAlias).stream()
                .filter(e -> alias.equals(e.get("displayName"))).findFirst().orElseThrow();
        setRequirement(parentAlias, subflow, requirement);
    }

    /** Sets the requirement of an execution as listed by {@link #executions(String)}. */
    public void setRequirement(String flowAlias, Map<String, Object> execution, String requirement) {
        Map<String, Object> changed = new java.util.HashMap<>(execution);
        changed.put("requirement", requirement);
        admin.request().body(changed)
                .put("/admin/realms/{realm}/authentication/flows/{flow}/executions", realm, flowAlias)
                .then().statusCode(204);
    }

    /** Raises an execution to the top of its (sub)flow, as the console's drag and drop does. */
    public void moveFirst(String flowAlias, String executionId) {
        for (int i = 0; i < 20; i++) {
            Map<String, Object> e = executions(flowAlias).stream().filter(x -> executionId.equals(x.get("id")))
                    .findFirst().orElseThrow();
            if (((Number) e.get("index")).intValue() == 0) {
                return;
            }
            admin.request().post("/admin/realms/{realm}/authentication/executions/{id}/raise-priority", realm, executionId)
                    .then().statusCode(204);
        }
        throw new IllegalStateException("Could not move " + executionId + " to the top of " + flowAlias);
    }

    /** Saves a config for an execution, as the console's config form does; the raw response, to check refusals. */
    public Response saveConfig(String executionId, String alias, Map<String, String> config) {
        return admin.request().body(Map.of("alias", alias, "config", config))
                .post("/admin/realms/{realm}/authentication/executions/{execution}/config", realm, executionId);
    }

    /** Saves a config that Keycloak must accept; a refusal (400 with the pack's message) is an error. */
    public void saveAcceptedConfig(String executionId, String alias, Map<String, String> config) {
        Response saved = saveConfig(executionId, alias, config);
        if (saved.statusCode() != 201) {
            throw new IllegalStateException("Config " + alias + " refused: " + saved.statusCode() + " " + saved.asString());
        }
    }

    /** The id of the config an execution uses. */
    public String configIdOf(String flowAlias, String executionId) {
        return executions(flowAlias).stream().filter(e -> executionId.equals(e.get("id")))
                .findFirst().map(e -> (String) e.get("authenticationConfig")).orElse(null);
    }

    public Response updateConfig(String configId, String alias, Map<String, String> config) {
        return admin.request().body(Map.of("id", configId, "alias", alias, "config", config))
                .put("/admin/realms/{realm}/authentication/config/{id}", realm, configId);
    }

    /** The flow's id, for client flow overrides. */
    public String flowId(String flowAlias) {
        List<Map<String, Object>> flows = admin.request().get("/admin/realms/{realm}/authentication/flows", realm)
                .then().statusCode(200).extract().jsonPath().getList("");
        return flows.stream().filter(f -> flowAlias.equals(f.get("alias"))).map(f -> (String) f.get("id"))
                .findFirst().orElseThrow(() -> new IllegalStateException("No flow " + flowAlias));
    }

    public List<Map<String, Object>> executions(String flowAlias) {
        return admin.request().get("/admin/realms/{realm}/authentication/flows/{flow}/executions", realm, flowAlias)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    /**
     * Creates a public client that uses the given flows instead of the realm's (null keeps the realm's):
     * direct grant on, standard flow to {@code redirectUri}.
     */
    public String createClient(String clientId, String redirectUri, String browserFlowAlias, String directGrantFlowAlias,
                               Map<String, Object> extra) {
        Map<String, String> overrides = new java.util.HashMap<>();
        if (browserFlowAlias != null) {
            overrides.put("browser", flowId(browserFlowAlias));
        }
        if (directGrantFlowAlias != null) {
            overrides.put("direct_grant", flowId(directGrantFlowAlias));
        }
        Map<String, Object> client = new java.util.HashMap<>(Map.of(
                "clientId", clientId,
                "publicClient", true,
                "directAccessGrantsEnabled", true,
                "standardFlowEnabled", true,
                "redirectUris", List.of(redirectUri),
                "authenticationFlowBindingOverrides", overrides));
        client.putAll(extra);
        Response response = admin.request().body(client).post("/admin/realms/{realm}/clients", realm);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Creating client " + clientId + " failed: " + response.asString());
        }
        String location = response.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
