package io.keycloakguard.bench;

import io.keycloakguard.core.audit.AuditVerifier;
import io.keycloakguard.it.harness.Database;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.FreePorts;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakCluster;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.TestRedis;
import io.keycloakguard.it.load.LatencyPlot;
import io.keycloakguard.it.load.LatencyRecorder;
import io.keycloakguard.revocation.RevocationClient;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import redis.clients.jedis.RedisClient;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak with faults (issue 8, item 4; not a test: it prints counts against goals and fails on a missed one).
 * Two Keycloak nodes with the pack (PostgreSQL, {@code --cache=ispn}) and a private Redis with append-only
 * persistence; a realm with the pack's login steps (per-IP rate limit, IP policy, session limit, device
 * recorder) and the {@code guard-revocation} and {@code guard-audit} listeners (file and Redis stream sinks);
 * mixed load ({@link SoakLoad}) for {@code minutes}; the private Redis stopped for {@code redisDownSeconds} at
 * {@code redisStopAt}, node 2 SIGKILLed at {@code killAt} and restarted; a {@link RevocationClient} following
 * Redis throughout. Then it waits (at most {@code drainSeconds}) until the pack has delivered what it committed
 * and compares: logins attempted/succeeded inside and outside the faults, revocations committed (ledger) vs
 * delivered (feed) and honoured by the client, audit records committed (chain) vs delivered (file, stream).
 * Writes the latency plot to {@code soak.plot}.
 * <p>
 * {@code KC_DB_URL=jdbc:postgresql://127.0.0.1:5432/test KC_DB_USERNAME=postgres IT_DB_SCHEMA=guard_soak
 * ./mvnw -B -Psoak package -DskipTests -pl bench -am [-Dminutes=10]}
 */
public final class SoakBench {

    static final String REALM = "guard-soak";
    static final String CLIENT = "soak-app";

    public static void main(String[] args) throws Exception {
        double total = Double.parseDouble(System.getProperty("minutes", "10")) * 60;
        double redisStopAt = doubleProperty("redisStopAt", total * 0.2);
        double redisDown = doubleProperty("redisDownSeconds", Math.min(60, total * 0.2));
        double killAt = doubleProperty("killAt", total * 0.55);
        int threads = Integer.parseInt(System.getProperty("threads", "4"));
        int userCount = Integer.parseInt(System.getProperty("users", "60"));
        int browserEvery = Integer.parseInt(System.getProperty("browserEvery", "4"));
        long drainSeconds = Long.parseLong(System.getProperty("drainSeconds", "120"));
        Path plot = Path.of(System.getProperty("soak.plot", "target/soak-latency.png"));
        if (redisStopAt + redisDown > total || killAt > total) {
            throw new IllegalArgumentException("The faults must fall inside the " + total + " s of load");
        }

        Database database = Database.fromEnvironment();
        if (!KeycloakCluster.supported(database)) {
            throw new IllegalStateException("The soak runs two Keycloak nodes, which need PostgreSQL: set KC_DB_URL="
                    + "jdbc:postgresql://127.0.0.1:5432/test KC_DB_USERNAME=postgres IT_DB_SCHEMA=guard_soak");
        }
        // A node killed mid-request must not hang a load thread; a live node answers well within these.
        RestAssured.config = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.connection.timeout", 5_000).setParam("http.socket.timeout", 60_000));
        Path auditFile = KeycloakOptions.auditFile();
        for (int i = 0; i <= 20; i++) {
            Files.deleteIfExists(i == 0 ? auditFile : Path.of(auditFile + "." + i));
        }
        String keyPrefix = "kcguard-soak-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        Report report = new Report();

        try (TestRedis redis = TestRedis.privatePersistentOn(FreePorts.next());
             KeycloakCluster cluster = KeycloakCluster.start(
                     KeycloakOptions.defaults("soak", database, redis.url(), keyPrefix), 2);
             RedisClient jedis = RedisClient.create(redis.url())) {
            DistributionKeycloak node1 = cluster.nodes().get(0);
            DistributionKeycloak node2 = cluster.nodes().get(1);
            KeycloakAdmin admin = KeycloakAdmin.of(node1);
            String realmId = createRealm(admin);
            Map<String, String> userIds = new HashMap<>();
            for (int i = 0; i < userCount; i++) {
                String user = String.format("soak-%03d", i);
                userIds.put(user, admin.createUser(REALM, user, SoakLoad.PASSWORD));
            }
            List<String> users = userIds.keySet().stream().sorted().toList();
            System.out.printf("[soak] realm %s with %d users on %s and %s; Redis %s (append-only), prefix %s%n",
                    REALM, userCount, node1.baseUrl(), node2.baseUrl(), redis.url(), keyPrefix);

            try (RevocationClient follower = RevocationClient.builder(jedis, REALM).keyPrefix(keyPrefix)
                    .pollBlock(Duration.ofSeconds(1)).start();
                 SoakLedger ledger = new SoakLedger(database.scratch("cluster"), jedis, keyPrefix, REALM, realmId);
                 SoakBalancer balancer = new SoakBalancer(List.of(
                         new SoakBalancer.Node(node1.baseUrl(), node1.managementUrl()),
                         new SoakBalancer.Node(node2.baseUrl(), node2.managementUrl())))) {
                LatencyRecorder recorder = new LatencyRecorder();
                SoakLoad load = new SoakLoad(balancer.url(), REALM, CLIENT, users, browserEvery, recorder,
                        (user, sid) -> admin.request().get("/admin/realms/{realm}/users/{id}/sessions", REALM,
                                userIds.get(user)).then().statusCode(200).extract().jsonPath().getList("id")
                                .contains(sid));
                AtomicLong maxStalenessMillis = new AtomicLong();
                Thread watcher = watchStaleness(follower, maxStalenessMillis);
                System.out.printf("[soak] load: %d threads for %.0f s; Redis stopped at %.0f s for %.0f s; node 2 killed at %.0f s%n",
                        threads, total, redisStopAt, redisDown, killAt);
                report.loadAverage("start", loadAverage());
                load.start(threads, recorder.origin() + (long) (total * 1e9));

                sleepUntil(recorder, redisStopAt);
                report.redisStopped = recorder.elapsedSeconds();
                report.loadAverage("before Redis stop", loadAverage());
                redis.stop();
                sleepUntil(recorder, report.redisStopped + redisDown);
                redis.start();
                report.redisBack = recorder.elapsedSeconds();
                System.out.printf("[soak] Redis stopped %.1f s .. %.1f s%n", report.redisStopped, report.redisBack);

                sleepUntil(recorder, killAt);
                report.loadAverage("before the kill", loadAverage());
                report.nodeKilled = recorder.elapsedSeconds();
                node2.killAndRestart();
                report.nodeBack = recorder.elapsedSeconds();
                System.out.printf("[soak] node 2 killed at %.1f s, ready again at %.1f s%n", report.nodeKilled, report.nodeBack);

                load.join();
                report.loadSeconds = total;
                report.loadEnded = recorder.elapsedSeconds();
                report.loadAverage("end of load", loadAverage());

                long drainStart = System.nanoTime();
                SoakLedger.Snapshot end = ledger.snapshot();
                while (!end.drained() && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(drainSeconds)) {
                    Thread.sleep(500);
                    end = ledger.snapshot();
                }
                report.drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                watcher.interrupt();
                // Whatever the follower has by now it got from the stream; give it one poll to apply the last entries.
                Thread.sleep(1500);

                report.print(recorder, load, balancer, end, follower, ledger.verifyAudit(), maxStalenessMillis.get(),
                        checkFreshClient(jedis, keyPrefix, load));
                plot(recorder, report, plot);
                List<String> missed = report.missedGoals();
                if (!missed.isEmpty()) {
                    throw new IllegalStateException("Soak goals missed:\n  " + String.join("\n  ", missed));
                }
                System.out.println("[soak] every goal met");
            }
        }
    }

    /** The realm file from the bench's resources, imported through the admin API; returns the realm id. */
    private static String createRealm(KeycloakAdmin admin) throws Exception {
        String json;
        try (InputStream in = SoakBench.class.getResourceAsStream("/soak/guard-soak-realm.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        admin.request().body(json).post("/admin/realms").then().statusCode(201);
        return admin.request().get("/admin/realms/{realm}", REALM).then().statusCode(200).extract().path("id");
    }

    /** A client that starts after the soak loads the snapshot alone: it must reject the same tokens. */
    private static long[] checkFreshClient(RedisClient jedis, String keyPrefix, SoakLoad load) throws InterruptedException {
        try (RevocationClient fresh = RevocationClient.builder(jedis, REALM).keyPrefix(keyPrefix)
                .pollBlock(Duration.ofSeconds(1)).start()) {
            // It loads the snapshot in its own thread.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (fresh.snapshotLoads() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long accepted = load.loggedOut.stream().filter(s -> !fresh.isRevoked(s.claims())).count();
            long rejected = load.keptOpen.stream().filter(s -> fresh.isRevoked(s.claims())).count();
            return new long[] {accepted, rejected};
        }
    }

    private static Thread watchStaleness(RevocationClient follower, AtomicLong max) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                max.accumulateAndGet(follower.staleness().toMillis(), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "soak-staleness");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void plot(LatencyRecorder recorder, Report report, Path png) throws Exception {
        LatencyPlot plot = new LatencyPlot("Soak with faults: latency per 5 s (two nodes, PostgreSQL, private Redis)",
                "seconds since the load started", "latency (ms, log scale)").logY();
        for (String op : SoakLoad.OPERATIONS) {
            for (String q : List.of("p50", "p99")) {
                List<double[]> points = new ArrayList<>();
                for (LatencyRecorder.Bucket b : recorder.timeline(op, 5)) {
                    points.add(new double[] {b.startSeconds() + 2.5, q.equals("p50") ? b.p50() : b.p99()});
                }
                plot.series(op + " " + q, points);
            }
        }
        plot.shade(report.redisStopped, report.redisBack, "Redis stopped");
        plot.shade(report.nodeKilled, report.nodeBack, "node 2 killed → ready");
        plot.write(png);
        System.out.println("[soak] latency plot: " + png.toAbsolutePath());
    }

    private static void sleepUntil(LatencyRecorder recorder, double seconds) throws InterruptedException {
        double left = seconds - recorder.elapsedSeconds();
        if (left > 0) {
            Thread.sleep((long) (left * 1000));
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    private static double doubleProperty(String name, double defaultValue) {
        String v = System.getProperty(name);
        return v == null ? defaultValue : Double.parseDouble(v);
    }

    /** The counts against the goals. */
    private static final class Report {

        double redisStopped;
        double redisBack;
        double nodeKilled;
        double nodeBack;
        double loadSeconds;
        double loadEnded;
        double drainSeconds;
        private final List<String> loadAverages = new ArrayList<>();
        private final List<String> missed = new ArrayList<>();

        void loadAverage(String when, String value) {
            loadAverages.add(when + ": " + value);
        }

        List<String> missedGoals() {
            return missed;
        }

        void print(LatencyRecorder recorder, SoakLoad load, SoakBalancer balancer, SoakLedger.Snapshot end, RevocationClient follower,
                   List<AuditVerifier.Result> verified, long maxStalenessMillis, long[] fresh) {
            System.out.printf("%n===== Soak with faults: %.0f s of load (last journey ended at %.0f s), %d journeys =====%n",
                    loadSeconds, loadEnded, load.journeys());
            System.out.println("load average (/proc/loadavg): " + String.join(" | ", loadAverages));
            System.out.printf("Redis stopped %.1f–%.1f s; node 2 killed at %.1f s, ready at %.1f s (%.1f s down)%n",
                    redisStopped, redisBack, nodeKilled, nodeBack, nodeBack - nodeKilled);

            System.out.println("\n-- operations (latency of successful ones, ms; a retry on the other node is included) --");
            for (String op : SoakLoad.OPERATIONS) {
                LatencyRecorder.Summary all = recorder.summary(op, 0, loadEnded);
                System.out.println(new LatencyRecorder.Summary(op, all.attempted(), all.succeeded(), loadSeconds, all.p50(),
                        all.p90(), all.p99(), all.max()));
            }
            System.out.printf("balancer: %d requests answered; sent to a dead node and retried on the other: %d refused,"
                    + " %d died in flight; no node answered: %d%n", balancer.forwarded.get(),
                    balancer.refusedByDeadNode.get(), balancer.diedInFlight.get(), balancer.noNodeAnswered.get());
            balancer.errors.forEach((e, n) -> System.out.printf("  balancer error x%d: %s%n", n.get(), e));
            load.problems.forEach((p, times) -> System.out.printf("  failure x%d (%.0f–%.0f s): %s%n", times.size(),
                    times.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    times.stream().mapToDouble(Double::doubleValue).max().orElse(0), p));

            System.out.println("\n-- logins (password grant + browser flow) --");
            System.out.println("| window | attempted | succeeded | failed |");
            System.out.println("| --- | --- | --- | --- |");
            loginRow(recorder, "Redis stopped", redisStopped, redisBack);
            loginRow(recorder, "node 2 down (killed → ready)", nodeKilled, nodeBack);
            long[] all = logins(recorder, 0, Double.MAX_VALUE);
            long[] redisWindow = logins(recorder, redisStopped, redisBack);
            long[] nodeWindow = logins(recorder, nodeKilled, nodeBack);
            System.out.printf("| outside both | %d | %d | %d |%n", all[0] - redisWindow[0] - nodeWindow[0],
                    all[1] - redisWindow[1] - nodeWindow[1], all[0] - all[1] - (redisWindow[0] - redisWindow[1])
                            - (nodeWindow[0] - nodeWindow[1]));
            System.out.printf("| all | %d | %d | %d |%n", all[0], all[1], all[0] - all[1]);
            goal(all[0] > 0 && all[0] == all[1], "100 % of logins succeed", all[1] + " of " + all[0]);
            goal(redisWindow[0] > 0, "logins were attempted while Redis was stopped", redisWindow[0] + " attempted");

            Set<String> revokedSids = new HashSet<>(end.revokedSessions());
            long logoutsCommittedByDeadNode = load.loggedOut.stream().filter(SoakLoad.Session::committedByDeadNode).count();
            long loggedOutWithoutRevocation = load.loggedOut.stream()
                    .filter(s -> !revokedSids.contains((String) s.claims().get("sid"))).count();
            long acceptedAfterLogout = load.loggedOut.stream().filter(s -> !follower.isRevoked(s.claims())).count();
            long controlRejected = load.keptOpen.stream().filter(s -> follower.isRevoked(s.claims())).count();
            List<String> notDelivered = end.revocationsNotDelivered();
            System.out.println("\n-- revocations --");
            System.out.println("| measure | count | goal |");
            System.out.println("| --- | --- | --- |");
            System.out.printf("| sessions logged out (204; of them committed by the killed node: %d) | %d | — |%n",
                    logoutsCommittedByDeadNode, load.loggedOut.size());
            System.out.printf("| committed: ledger rows (`GUARD_REVOCATION`) | %d | — |%n", end.revocationLedger().size());
            System.out.printf("| logged-out sessions without a ledger row | %d | 0 |%n", loggedOutWithoutRevocation);
            System.out.printf("| delivered: in the feed's stream (distinct ids) | %d | = committed |%n", end.revocationStream().size());
            System.out.printf("| committed but not delivered (lost) | %d | 0 |%n", notDelivered.size());
            System.out.printf("| delivered twice in the stream | %d | 0 |%n", end.revocationStreamDuplicates());
            System.out.printf("| logged-out sessions' tokens the following client still accepts | %d | 0 |%n", acceptedAfterLogout);
            System.out.printf("| … a client started after the soak (snapshot only) still accepts | %d | 0 |%n", fresh[0]);
            System.out.printf("| open (control) sessions' tokens rejected (following / fresh client) | %d / %d | 0 |%n",
                    controlRejected, fresh[1]);
            System.out.printf("following client: %d live revocations, %d snapshot loads, max staleness %d ms, last id %s%n",
                    follower.liveRevocations(), follower.snapshotLoads(), maxStalenessMillis, follower.lastAppliedId());
            goal(!load.loggedOut.isEmpty(), "sessions were logged out", load.loggedOut.size() + "");
            goal(loggedOutWithoutRevocation == 0, "every logout committed a revocation", loggedOutWithoutRevocation + " without");
            goal(notDelivered.isEmpty(), "0 revocations lost", notDelivered.size() + " lost, e.g. "
                    + notDelivered.stream().limit(3).toList());
            goal(acceptedAfterLogout == 0 && fresh[0] == 0, "every logged-out token rejected",
                    acceptedAfterLogout + " / " + fresh[0] + " accepted");
            goal(controlRejected == 0 && fresh[1] == 0, "open sessions' tokens accepted", controlRejected + " / " + fresh[1] + " rejected");

            long loginsOk = recorder.summary(SoakLoad.PASSWORD_LOGIN, 0, Double.MAX_VALUE).succeeded()
                    + recorder.summary(SoakLoad.BROWSER_LOGIN, 0, Double.MAX_VALUE).succeeded();
            long refreshesOk = recorder.summary(SoakLoad.REFRESH, 0, Double.MAX_VALUE).succeeded();
            String fileGaps = SoakLedger.gapsOrDuplicates(end.auditFileSeqs(), end.auditHead());
            String streamGaps = SoakLedger.gapsOrDuplicates(end.auditStreamSeqs(), end.auditHead());
            System.out.println("\n-- audit records --");
            System.out.println("| measure | count | goal |");
            System.out.println("| --- | --- | --- |");
            System.out.printf("| committed: chained records (`GUARD_AUDIT_RECORD`), chain head seq | %d, head %d | equal |%n",
                    end.auditRecords(), end.auditHead());
            System.out.printf("| by type | %s | — |%n", end.auditByType());
            System.out.printf("| LOGIN records vs logins answered 200 | %d vs %d | ≥ |%n",
                    end.auditByType().getOrDefault("LOGIN", 0L), loginsOk);
            System.out.printf("| REFRESH_TOKEN records vs refreshes answered 200 | %d vs %d | ≥ |%n",
                    end.auditByType().getOrDefault("REFRESH_TOKEN", 0L), refreshesOk);
            System.out.printf("| GUARD_REVOCATION_ISSUED records vs ledger rows | %d vs %d | = |%n",
                    end.auditByType().getOrDefault("GUARD_REVOCATION_ISSUED", 0L), end.revocationLedger().size());
            System.out.printf("| delivered: file (seq 1..head, no gap, no duplicate) | %d records %s | all |%n",
                    end.auditFileSeqs().size(), fileGaps.isEmpty() ? "ok" : fileGaps);
            System.out.printf("| delivered: Redis stream | %d records %s | all |%n",
                    end.auditStreamSeqs().size(), streamGaps.isEmpty() ? "ok" : streamGaps);
            System.out.printf("| verifier: file / stream | %s / %s | intact |%n", verified.get(0), verified.get(1));
            System.out.printf("| outbox pending at the end (by topic) | %s | 0 |%n", end.outboxPending());
            System.out.printf("waiting for delivery after the load: %.1f s, %s%n", drainSeconds,
                    end.drained() ? "everything delivered" : "NOT everything delivered within the bound");
            goal(end.auditRecords() == end.auditHead(), "one chain without holes in the database",
                    end.auditRecords() + " records, head " + end.auditHead());
            goal(fileGaps.isEmpty() && streamGaps.isEmpty(), "0 audit records lost or doubled in file and stream",
                    "file: " + fileGaps + "; stream: " + streamGaps);
            goal(verified.get(0).intact() && verified.get(1).intact(), "the verifier passes on file and stream",
                    verified.get(0) + " / " + verified.get(1));
            goal(end.auditByType().getOrDefault("LOGIN", 0L) >= loginsOk
                    && end.auditByType().getOrDefault("REFRESH_TOKEN", 0L) >= refreshesOk,
                    "every successful login and refresh has its audit record", end.auditByType().toString());
            goal(end.auditByType().getOrDefault("GUARD_REVOCATION_ISSUED", 0L) == end.revocationLedger().size(),
                    "every revocation has its audit signal", end.auditByType() + " vs " + end.revocationLedger().size());
            goal(end.outboxTotal() == 0, "outbox empty at the end", end.outboxPending().toString());
        }

        private static long[] logins(LatencyRecorder recorder, double from, double to) {
            LatencyRecorder.Summary p = recorder.summary(SoakLoad.PASSWORD_LOGIN, from, to);
            LatencyRecorder.Summary b = recorder.summary(SoakLoad.BROWSER_LOGIN, from, to);
            return new long[] {p.attempted() + b.attempted(), p.succeeded() + b.succeeded()};
        }

        private static void loginRow(LatencyRecorder recorder, String window, double from, double to) {
            long[] l = logins(recorder, from, to);
            System.out.printf("| %s (%.0f–%.0f s) | %d | %d | %d |%n", window, from, to, l[0], l[1], l[0] - l[1]);
        }

        private void goal(boolean met, String goal, String actual) {
            if (!met) {
                missed.add(goal + ": " + actual);
            }
        }
    }
}
