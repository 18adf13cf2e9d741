package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.contract.RevocationKeys;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;

/**
 * A realm for the Redis topology tests, set up as an admin would: the revocation and audit listeners, Keycloak's
 * brute-force detection off (it locks users, the pack's rate limit counts addresses), and two public clients whose
 * direct-grant flows carry the pack's Redis features: {@value #APP} starts with the per-IP rate limit (3 failures an
 * hour), {@value #LIMITED} ends with the session limit (3 sessions per user). The realm's id is its name, so the
 * revocation feed ({@code rev:v1:{name}:…}) and the audit stream ({@code audit:{id}}) share one Redis Cluster slot.
 */
final class TopologyRealm {

    static final String PASSWORD = "Correct-horse-42";
    static final String WRONG = "Wrong-horse-42";
    static final String APP = "topo-app";
    static final String LIMITED = "topo-limited";
    static final int MAX_FAILURES = 3;
    static final int SESSION_LIMIT = 3;

    /** Requests that Keycloak never answers fail the test instead of hanging it. */
    private static final RestAssuredConfig TIMEOUTS = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 10_000).setParam("http.socket.timeout", 60_000));

    final KeycloakAdmin admin;
    final String name;

    private TopologyRealm(KeycloakAdmin admin, String name) {
        this.admin = admin;
        this.name = name;
    }

    static TopologyRealm create(KeycloakAdmin admin, String hint) {
        String name = "topo-" + hint + "-" + UUID.randomUUID().toString().substring(0, 6);
        admin.request().body(Map.of("id", name, "realm", name, "enabled", true, "bruteForceProtected", false,
                        "sslRequired", "none", "eventsListeners", List.of("jboss-logging", "guard-revocation", "guard-audit")))
                .post("/admin/realms").then().statusCode(201);
        AuthFlows flows = new AuthFlows(admin, name);

        flows.copy("direct grant", APP + "-dg");
        String gate = flows.addRequired(APP + "-dg", "guard-ip-rate-limit");
        flows.moveFirst(APP + "-dg", gate);
        flows.createClient(APP, "http://127.0.0.1:9/" + APP, null, APP + "-dg", Map.of());
        flows.saveAcceptedConfig(gate, APP + "-rate", Map.of("maxFailures", String.valueOf(MAX_FAILURES),
                "window", "1h", "burstWindow", "0"));

        flows.copy("direct grant", LIMITED + "-dg");
        String limiter = flows.addRequired(LIMITED + "-dg", "guard-session-limit");
        flows.createClient(LIMITED, "http://127.0.0.1:9/" + LIMITED, null, LIMITED + "-dg", Map.of());
        flows.saveAcceptedConfig(limiter, LIMITED + "-limit", Map.of("realmLimit", String.valueOf(SESSION_LIMIT)));
        return new TopologyRealm(admin, name);
    }

    String newUser(String hint) {
        String username = KeycloakAdmin.uniqueUsername(hint);
        admin.createUser(name, username, PASSWORD);
        return username;
    }

    String userId(String username) {
        return admin.request().get("/admin/realms/{realm}/users?exact=true&username={u}", name, username)
                .then().statusCode(200).extract().path("[0].id");
    }

    /** A password grant on one Keycloak node, as a client at {@code address} (X-Forwarded-For; null: none). */
    Response passwordGrant(String baseUrl, String client, String address, String username, String password) {
        RequestSpecification request = given().config(TIMEOUTS);
        if (address != null) {
            request.header("X-Forwarded-For", address);
        }
        return request.formParam("grant_type", "password").formParam("client_id", client)
                .formParam("username", username).formParam("password", password).formParam("scope", "openid")
                .post(Tokens.tokenEndpoint(baseUrl, name));
    }

    /** Logs a session out with its refresh token (RP-initiated, back channel); Keycloak's status code. */
    int logout(String baseUrl, String client, Object refreshToken) {
        return given().config(TIMEOUTS).formParam("client_id", client).formParam("refresh_token", refreshToken)
                .post(baseUrl + "/realms/" + name + "/protocol/openid-connect/logout").statusCode();
    }

    /** An address no other test stands for (198.18.0.0/15, the benchmarking range). */
    static String newAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198." + (18 + r.nextInt(2)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    static boolean isWrongPassword(Response response) {
        return response.statusCode() == 400 && response.asString().contains("Invalid user credentials");
    }

    RevocationKeys feedKeys(String prefix) {
        return new RevocationKeys(prefix, name);
    }

    String auditStreamKey(String prefix) {
        return prefix + "audit:{" + name + "}";
    }

    JsonPath status() {
        return status(admin);
    }

    /** The pack's status as the node {@code nodeAdmin} talks to sees it. */
    JsonPath status(KeycloakAdmin nodeAdmin) {
        return nodeAdmin.request().get("/admin/realms/{realm}/guard/status", name).then().statusCode(200).extract().jsonPath();
    }

    /** The audit chain's head: the last seq given to a record of this realm. */
    long auditHead() {
        return ((Number) admin.request().get("/admin/realms/{realm}/guard-audit/chain", name).then()
                .statusCode(200).extract().path("seq")).longValue();
    }

    private long pending(String topic) {
        Number pending = status().get("outbox." + topic + ".pending");
        return pending == null ? 0 : pending.longValue();
    }

    /** Waits until no revocation or audit record of the realm waits in the outbox; returns the audit chain's head. */
    long awaitOutboxDrained(Duration timeout) {
        long[] head = new long[1];
        Await.until(() -> {
            head[0] = auditHead();
            return pending("revocation") == 0 && pending("audit") == 0 && auditHead() == head[0];
        }, timeout, "nothing of " + name + " waits in the outbox");
        return head[0];
    }

    /** The seqs of the realm's audit stream, oldest first. */
    List<Long> streamSeqs(UnifiedJedis redis, String prefix) {
        List<Long> seqs = new ArrayList<>();
        for (StreamEntry e : redis.xrange(auditStreamKey(prefix), "-", "+")) {
            seqs.add(e.getID().getTime());
        }
        return seqs;
    }

    /**
     * Audit records committed vs delivered: committed = the realm's chain (seq 1..head, once nothing waits in the
     * outbox); delivered = the seqs in the realm's stream, counted when first checked and again until none is missing
     * or {@code timeout} passed.
     */
    AuditCount countAuditRecords(UnifiedJedis redis, String prefix, Duration timeout) {
        long head = awaitOutboxDrained(Duration.ofSeconds(120));
        List<Long> missingAtFirst = missingSeqs(streamSeqs(redis, prefix), head);
        List<Long> missing = new ArrayList<>(missingAtFirst);
        Await.holdsWithin(() -> {
            missing.clear();
            missing.addAll(missingSeqs(streamSeqs(redis, prefix), head));
            return missing.isEmpty();
        }, timeout);
        return new AuditCount(head, missingAtFirst.size(), List.copyOf(missing));
    }

    record AuditCount(long committed, int missingAtFirst, List<Long> lost) {

        long delivered() {
            return committed - lost.size();
        }

        @Override
        public String toString() {
            return String.format("audit records: committed %d (the chain's head), missing from the stream when first "
                    + "checked %d, delivered %d, lost %d %s", committed, missingAtFirst, delivered(), lost.size(), lost);
        }
    }

    /** The seqs 1..head that the stream lacks. */
    static List<Long> missingSeqs(List<Long> stream, long head) {
        List<Long> missing = new ArrayList<>();
        java.util.Set<Long> have = new java.util.HashSet<>(stream);
        for (long seq = 1; seq <= head; seq++) {
            if (!have.contains(seq)) {
                missing.add(seq);
            }
        }
        return missing;
    }
}
