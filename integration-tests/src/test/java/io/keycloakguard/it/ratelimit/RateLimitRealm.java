package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A realm of its own for the rate-limit tests: failures are counted per realm and address, so no other test
 * class adds to these counts. Keycloak's brute-force detection is off (it locks users, not addresses, and
 * would refuse the right password after the wrong ones); the realm stores events so tests can read them.
 */
final class RateLimitRealm {

    static final String PASSWORD = "Correct-horse-42";
    static final String WRONG = "Wrong-horse-42";
    static final String GATE = "guard-ip-rate-limit";
    static final String FORM = "guard-ip-rate-limited-password-form";

    private static final Set<String> ADDRESSES_USED = new HashSet<>();

    final KeycloakAdmin admin;
    final String baseUrl;
    final String name;
    final String id;

    private RateLimitRealm(KeycloakAdmin admin, String baseUrl, String name, String id) {
        this.admin = admin;
        this.baseUrl = baseUrl;
        this.name = name;
        this.id = id;
    }

    static RateLimitRealm create(KeycloakAdmin admin, String baseUrl) {
        String name = "guard-rl-" + UUID.randomUUID().toString().substring(0, 6);
        // sslRequired none: clients stand for public addresses (X-Forwarded-For) on plain http.
        admin.request().body(Map.of("realm", name, "enabled", true, "bruteForceProtected", false,
                        "eventsEnabled", true, "sslRequired", "none"))
                .post("/admin/realms").then().statusCode(201);
        String id = admin.request().get("/admin/realms/{realm}", name).then().statusCode(200).extract().path("id");
        return new RateLimitRealm(admin, baseUrl, name, id);
    }

    /** An address no other test of this JVM stands for (198.18.0.0/15, the benchmarking range). */
    static synchronized String newAddress() {
        while (true) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String address = "198." + (18 + r.nextInt(2)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
            if (ADDRESSES_USED.add(address)) {
                return address;
            }
        }
    }

    String newUser(String hint) {
        String username = KeycloakAdmin.uniqueUsername(hint);
        admin.createUser(name, username, PASSWORD);
        return username;
    }

    /** A client whose direct grant flow starts with the gate. */
    RateLimitedClient directGrant(String hint, Map<String, String> config) {
        String alias = unique(hint);
        AuthFlows flows = new AuthFlows(admin, name);
        flows.copy("direct grant", alias + "-dg");
        String execution = flows.addRequired(alias + "-dg", GATE);
        flows.moveFirst(alias + "-dg", execution);
        return client(alias, null, alias + "-dg", alias + "-dg", execution, config);
    }

    /** A client whose browser flow has the rate-limited form in place of Keycloak's username/password form. */
    RateLimitedClient browserForm(String hint, Map<String, String> config) {
        String alias = unique(hint);
        String forms = copyBrowser(alias);
        String keycloakForm = new AuthFlows(admin, name).executions(forms).stream()
                .filter(e -> "auth-username-password-form".equals(e.get("providerId")))
                .map(e -> (String) e.get("id")).findFirst().orElseThrow();
        admin.request().delete("/admin/realms/{realm}/authentication/executions/{id}", name, keycloakForm)
                .then().statusCode(204);
        AuthFlows flows = new AuthFlows(admin, name);
        String execution = flows.addRequired(forms, FORM);
        flows.moveFirst(forms, execution);
        return client(alias, alias + "-browser", null, alias + "-browser", execution, config);
    }

    /** A client whose browser flow's forms start with the gate, before Keycloak's own username/password form. */
    RateLimitedClient browserGate(String hint, Map<String, String> config) {
        String alias = unique(hint);
        String forms = copyBrowser(alias);
        AuthFlows flows = new AuthFlows(admin, name);
        String execution = flows.addRequired(forms, GATE);
        flows.moveFirst(forms, execution);
        return client(alias, alias + "-browser", null, alias + "-browser", execution, config);
    }

    private String copyBrowser(String alias) {
        new AuthFlows(admin, name).copy("browser", alias + "-browser");
        return alias + "-browser forms";
    }

    private RateLimitedClient client(String alias, String browserFlow, String directGrantFlow, String flowAlias,
                                     String execution, Map<String, String> config) {
        AuthFlows flows = new AuthFlows(admin, name);
        String redirectUri = "http://127.0.0.1:9/" + alias + "/callback";
        flows.createClient(alias, redirectUri, browserFlow, directGrantFlow, Map.of());
        flows.saveAcceptedConfig(execution, alias + "-config", config);
        return new RateLimitedClient(this, alias, redirectUri, flowAlias, execution, alias + "-config");
    }

    /** The realm's stored LOGIN_ERROR events with this error, newest first. */
    List<Map<String, Object>> loginErrors(String clientId, String error) {
        List<Map<String, Object>> events = admin.request()
                .get("/admin/realms/{realm}/events?type=LOGIN_ERROR&client={client}&max=200", name, clientId)
                .then().statusCode(200).extract().jsonPath().getList("");
        return events.stream().filter(e -> error.equals(e.get("error"))).toList();
    }

    /** Keycloak 26.7 answers a wrong password in the direct grant with 400 invalid_grant, 26.4 and 26.5 with 401. */
    static boolean isWrongPassword(Response response) {
        return response.statusCode() == Tokens.wrongPasswordStatus()
                && response.asString().contains("Invalid user credentials");
    }

    static void assertWrongPassword(Response response) {
        assertWrongPassword(response, "a wrong password");
    }

    static void assertWrongPassword(Response response, String what) {
        if (!isWrongPassword(response)) {
            throw new AssertionError(what + ": expected Keycloak's answer to a wrong password, got "
                    + response.statusCode() + " " + response.asString());
        }
    }

    private static String unique(String hint) {
        return "rl-" + hint + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
