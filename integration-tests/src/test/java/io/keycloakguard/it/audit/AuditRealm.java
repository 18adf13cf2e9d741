package io.keycloakguard.it.audit;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.restassured.path.json.JsonPath;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A realm of its own with the {@code guard-audit} (and {@code guard-revocation}) listeners, and ways to read
 * its audit records from each place they end up: the admin endpoint (database), the Redis stream, the file.
 */
final class AuditRealm {

    static final String PASSWORD = "Correct-horse-42";
    static final String CLIENT = "audit-app";
    static final String REDIRECT = "http://127.0.0.1:3000/callback";

    final GuardEnvironment env;
    final KeycloakAdmin admin;
    final String name;
    final String id;

    private AuditRealm(GuardEnvironment env, KeycloakAdmin admin, String name, String id) {
        this.env = env;
        this.admin = admin;
        this.name = name;
        this.id = id;
    }

    static AuditRealm create(GuardEnvironment env, String hint) {
        return create(env, env.admin(), hint);
    }

    /** Through another Keycloak than the suite's (a cluster node), with the suite's Redis and key prefix. */
    static AuditRealm create(GuardEnvironment env, KeycloakAdmin admin, String hint) {
        return createNamed(env, admin, "guard-audit-" + hint + "-" + UUID.randomUUID().toString().substring(0, 6));
    }

    /** Deletes this realm and creates another one with the same name (and a new id). */
    AuditRealm recreate() {
        admin.request().delete("/admin/realms/{realm}", name).then().statusCode(204);
        return createNamed(env, admin, name);
    }

    private static AuditRealm createNamed(GuardEnvironment env, KeycloakAdmin admin, String name) {
        // sslRequired none: the tests act as clients on public addresses (X-Forwarded-For) over plain HTTP.
        admin.request().body(Map.of("realm", name, "enabled", true, "bruteForceProtected", false,
                        "sslRequired", "none", "eventsEnabled", true,
                        "eventsListeners", List.of("jboss-logging", "guard-revocation", "guard-audit"),
                        "otpPolicyCodeReusable", true,
                        "clients", List.of(Map.of("clientId", CLIENT, "publicClient", true,
                                "directAccessGrantsEnabled", true, "standardFlowEnabled", true,
                                "redirectUris", List.of(REDIRECT)))))
                .post("/admin/realms").then().statusCode(201);
        String id = admin.request().get("/admin/realms/{realm}", name).then().statusCode(200)
                .extract().path("id");
        // Keycloak stores only some event types by default; store them all, to compare with the audit trail.
        List<String> allTypes = admin.request().get("/admin/serverinfo").then().statusCode(200)
                .extract().jsonPath().getList("enums.eventType");
        admin.request().body(Map.of("eventsEnabled", true, "enabledEventTypes", allTypes,
                        "eventsListeners", List.of("jboss-logging", "guard-revocation", "guard-audit")))
                .put("/admin/realms/{realm}/events/config", name).then().statusCode(204);
        return new AuditRealm(env, admin, name, id);
    }

    void delete() {
        admin.request().delete("/admin/realms/{realm}", name);
    }

    String createUser(String hint) {
        return admin.createUser(name, KeycloakAdmin.uniqueUsername(hint), PASSWORD);
    }

    String username(String userId) {
        return admin.request().get("/admin/realms/{realm}/users/{id}", name, userId).then().statusCode(200)
                .extract().path("username");
    }

    /** The chain head: the last seq given to a record of this realm. */
    long headSeq() {
        return ((Number) admin.request().get("/admin/realms/{realm}/guard-audit/chain", name).then()
                .statusCode(200).extract().path("seq")).longValue();
    }

    /** Records as the admin endpoint returns them (newest first), filtered by the query parameters. */
    List<Map<String, Object>> records(Map<String, ?> query) {
        return admin.request().queryParams(query).get("/admin/realms/{realm}/guard-audit/records", name)
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    /** The realm's stream: keyed by the realm's id, so that a realm re-created under the same name gets a new one. */
    String streamKey() {
        return env.keyPrefix() + "audit:{" + id + "}";
    }

    /** The realm's records in the stream, oldest first, as the JSON lines they carry. */
    List<String> streamLines() {
        try (RedisClient redis = RedisClient.create(env.redis().url())) {
            return redis.xrange(streamKey(), "-", "+").stream().map(StreamEntry::getFields)
                    .map(f -> f.get("record")).toList();
        }
    }

    /** The realm's lines in the audit file and its rotated predecessors, oldest first. */
    List<String> fileLines() {
        List<String> lines = new ArrayList<>();
        for (String line : allFileLines(KeycloakOptions.auditFile())) {
            if (line.contains("\"realmId\":\"" + id + "\"")) {
                lines.add(line);
            }
        }
        return lines;
    }

    static List<String> allFileLines(Path file) {
        List<Path> files = new ArrayList<>();
        for (int i = 1; Files.exists(Path.of(file + "." + i)); i++) {
            files.add(0, Path.of(file + "." + i));
        }
        files.add(file);
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            if (Files.exists(f)) {
                try {
                    Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).forEach(lines::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return lines;
    }

    /** Deletes a directory and everything in it (a scratch Keycloak's files of an earlier run). */
    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static long seqOf(String line) {
        return JsonPath.from(line).getLong("seq");
    }

    static Map<String, Object> parse(String line) {
        return JsonPath.from(line).getMap("$");
    }

    /** Audit records of this realm committed but not chained yet (they wait in the outbox). */
    long pendingInOutbox() {
        Number pending = admin.request().get("/admin/realms/{realm}/guard/status", name).then().statusCode(200)
                .extract().path("outbox.audit.pending");
        return pending == null ? 0 : pending.longValue();
    }

    /** Waits until every record committed so far is chained; returns the chain's head. */
    long awaitChained() {
        long[] head = new long[1];
        Await.until(() -> {
            head[0] = headSeq();
            return pendingInOutbox() == 0 && headSeq() == head[0];
        }, Duration.ofSeconds(30), "every audit record of " + name + " is chained");
        return head[0];
    }

    /**
     * Waits until the chain holds at least {@code minimum} records, nothing committed waits to be chained, and both
     * sinks have all of them.
     */
    long awaitShipped(long minimum) {
        long[] head = new long[1];
        Await.until(() -> {
            head[0] = headSeq();
            if (head[0] < minimum || pendingInOutbox() > 0 || headSeq() != head[0]) {
                return false;
            }
            List<String> file = fileLines();
            List<String> stream = streamLines();
            return !file.isEmpty() && seqOf(file.get(file.size() - 1)) >= head[0]
                    && !stream.isEmpty() && seqOf(stream.get(stream.size() - 1)) >= head[0];
        }, Duration.ofSeconds(30), "the file and the stream of " + name + " hold every chained record");
        return head[0];
    }

    /** Runs the documented verifier command on a file; returns its exit code and output. */
    static Verification verifyFile(GuardEnvironment env, Path file) {
        return run(env, List.of("file", file.toString()));
    }

    static Verification verifyStream(GuardEnvironment env, String key) {
        return run(env, List.of("redis", env.redis().url(), key));
    }

    record Verification(int exitCode, String output) {
    }

    /** Runs the verifier command with these arguments (options, then {@code file PATH} or {@code redis URL KEY}). */
    static Verification run(GuardEnvironment env, List<String> args) {
        try (Stream<Path> jars = Files.list(env.options().providersDir())) {
            Path bundle = jars.filter(p -> p.getFileName().toString().matches("keycloak-guard.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no bundle in " + env.options().providersDir()));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", bundle.toString(), "io.keycloakguard.core.audit.AuditVerifier"));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the verifier finished");
            return new Verification(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
