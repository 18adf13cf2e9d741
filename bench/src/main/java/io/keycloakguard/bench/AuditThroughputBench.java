package io.keycloakguard.bench;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.RestAssured;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Audit throughput and listener overhead (not a test: it prints numbers).
 * <ol>
 *   <li>Sustained: {@code threads} clients log in (password grant, one LOGIN record each) for {@code seconds};
 *   reports logins/s, records/s through the listener, chain and both sinks (file and Redis stream) until
 *   both hold the last record, and checks zero loss (both sinks hold seq 1..head of the realm, no gap).</li>
 *   <li>Backlog drain: the same load while Redis is stopped and the file is read-only (chattr +i), then both
 *   are released and the time until both sinks caught up gives the sinks' records/s.</li>
 *   <li>The listener's p99 inside the login request, from {@code keycloak_guard_audit_listener_seconds}.</li>
 * </ol>
 * {@code ./mvnw -B -Paudit-throughput package -DskipTests -pl bench -am [-Dthreads=8 -Dseconds=60]}
 */
public final class AuditThroughputBench {

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(System.getProperty("threads", "8"));
        int seconds = Integer.parseInt(System.getProperty("seconds", "60"));
        try (GuardEnvironment env = GuardEnvironment.start("bench")) {
            String realm = "audit-bench-" + UUID.randomUUID().toString().substring(0, 6);
            env.admin().request().body(Map.of("realm", realm, "enabled", true, "bruteForceProtected", false,
                            "eventsListeners", List.of("guard-audit"),
                            "clients", List.of(Map.of("clientId", "cli", "publicClient", true,
                                    "directAccessGrantsEnabled", true, "standardFlowEnabled", false))))
                    .post("/admin/realms").then().statusCode(201);
            String realmId = env.admin().request().get("/admin/realms/{realm}", realm).then().extract().path("id");
            List<String> users = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String u = KeycloakAdmin.uniqueUsername("bench");
                env.admin().createUser(realm, u, "Correct-horse-42");
                users.add(u);
            }
            String metricsUrl = ((DistributionKeycloak) env.keycloak()).managementUrl() + "/metrics";

            load(env, realm, users, 10); // warm-up
            awaitBoth(env, realm, realmId);

            long started = System.nanoTime();
            long logins = load(env, realm, users, seconds);
            long loaded = System.nanoTime();
            long head = awaitBoth(env, realm, realmId);
            long shipped = System.nanoTime();
            System.out.printf("%nSustained: %d threads, %d s: %d events (%.0f/s); both sinks held all records %.2f s after"
                            + " the load ended; end to end %.0f records/s%n", threads, seconds, logins,
                    logins / secs(loaded - started), secs(shipped - loaded), logins / secs(shipped - started));
            checkNoLoss(env, realm, realmId, 1, head);

            Path file = KeycloakOptions.auditFile();
            env.redis().stop();
            run("chattr", "+i", file.toString());
            long backlog;
            try {
                backlog = load(env, realm, users, seconds);
                long target = head + backlog;
                while (headSeq(env, realm) < target) {
                    Thread.sleep(100);
                }
            } finally {
                run("chattr", "-i", file.toString());
                env.redis().start();
            }
            long released = System.nanoTime();
            long newHead = awaitBoth(env, realm, realmId);
            long drained = System.nanoTime();
            System.out.printf("Backlog drain: %d records waited for both sinks; both caught up in %.2f s: %.0f records/s per sink%n",
                    newHead - head, secs(drained - released), (newHead - head) / secs(drained - released));
            // Redis restarts empty here (no persistence): the stream must hold every record from the outage on.
            checkNoLoss(env, realm, realmId, head + 1, newHead);

            String metrics = RestAssured.get(metricsUrl).asString();
            System.out.printf("Listener time in the request: p50 %.3f ms, p99 %.3f ms (keycloak_guard_audit_listener_seconds)%n",
                    quantile(metrics, "0.5") * 1000, quantile(metrics, "0.99") * 1000);
        }
    }

    private static long load(GuardEnvironment env, String realm, List<String> users, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(users.size());
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<?>> futures = new ArrayList<>();
        for (String user : users) {
            futures.add(pool.submit(() -> {
                // One password login (LOGIN), then refreshes (REFRESH_TOKEN): events without the cost of
                // password hashing, which would otherwise bound the event rate on a small machine.
                Object refresh = Tokens.passwordGrant(env.baseUrl(), realm, "cli", user, "Correct-horse-42")
                        .get("refresh_token");
                count.incrementAndGet();
                while (System.nanoTime() < end) {
                    Map<?, ?> tokens = RestAssured.given().formParam("grant_type", "refresh_token")
                            .formParam("client_id", "cli").formParam("refresh_token", refresh)
                            .post(Tokens.tokenEndpoint(env.baseUrl(), realm)).then().statusCode(200).extract().as(Map.class);
                    refresh = tokens.get("refresh_token");
                    count.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return count.get();
    }

    private static long headSeq(GuardEnvironment env, String realm) {
        return ((Number) env.admin().request().get("/admin/realms/{realm}/guard-audit/chain", realm).then()
                .extract().path("seq")).longValue();
    }

    /** Waits until the chain has stopped growing and both sinks hold its head; returns the head. */
    private static long awaitBoth(GuardEnvironment env, String realm, String realmId) throws Exception {
        while (true) {
            long head = headSeq(env, realm);
            if (head > 0 && lastSeq(streamSeqs(env, realm)) >= head && lastSeq(fileSeqs(realmId)) >= head
                    && headSeq(env, realm) == head) {
                return head;
            }
            Thread.sleep(50);
        }
    }

    /** Both sinks hold every seq from {@code from} to {@code head}, in order, once. */
    private static void checkNoLoss(GuardEnvironment env, String realm, String realmId, long from, long head) throws Exception {
        for (List<Long> all : List.of(streamSeqs(env, realm), fileSeqs(realmId))) {
            List<Long> seqs = all.stream().filter(s -> s >= from).toList();
            for (int i = 0; i < seqs.size(); i++) {
                if (seqs.get(i) != from + i) {
                    throw new IllegalStateException("gap or duplicate at position " + i + ": seq " + seqs.get(i));
                }
            }
            if (seqs.size() != head - from + 1) {
                throw new IllegalStateException(seqs.size() + " records in a sink from " + from + ", head " + head);
            }
        }
        System.out.printf("  zero loss: file and stream both hold seq %d..%d, no gap, no duplicate%n", from, head);
    }

    private static List<Long> streamSeqs(GuardEnvironment env, String realm) {
        try (RedisClient redis = RedisClient.create(env.redis().url())) {
            return redis.xrange(env.keyPrefix() + "audit:{" + realm + "}", "-", "+").stream()
                    .map(StreamEntry::getID).map(id -> id.getTime()).toList();
        }
    }

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    private static List<Long> fileSeqs(String realmId) throws Exception {
        Path file = KeycloakOptions.auditFile();
        List<Long> seqs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int i = 1; Files.exists(Path.of(file + "." + i)); i++) {
            files.add(0, Path.of(file + "." + i));
        }
        files.add(file);
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.contains("\"realmId\":\"" + realmId + "\"")) {
                    Matcher m = SEQ.matcher(line);
                    if (m.find()) {
                        seqs.add(Long.parseLong(m.group(1)));
                    }
                }
            }
        }
        return seqs;
    }

    private static long lastSeq(List<Long> seqs) {
        return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }

    private static double quantile(String metrics, String q) {
        Matcher m = Pattern.compile("(?m)^keycloak_guard_audit_listener_seconds\\{[^}]*quantile=\"" + Pattern.quote(q)
                + "\"[^}]*\\} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static void run(String... command) throws Exception {
        new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
