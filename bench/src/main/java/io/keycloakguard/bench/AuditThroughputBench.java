package io.keycloakguard.bench;

import io.keycloakguard.it.harness.Database;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.TestRedis;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.load.LatencyPlot;
import io.restassured.RestAssured;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   <li>HTTP: for each count in {@code threads} (default 2,8), that many clients log in (password grant, then
 *   refreshes: one record each) for {@code seconds}; reports events/s, records/s through the listener, chain and both
 *   sinks (file and Redis stream) until both hold the last record, zero loss (both sinks hold every seq, no gap, no
 *   duplicate), and the share of those requests in which the listener took at most 0.25/1/5/25 ms (from the buckets
 *   of {@code keycloak_guard_audit_listener_seconds}, so each phase counts only its own requests).</li>
 *   <li>Injected: LOGIN events sent inside Keycloak through its EventBuilder and the realm's listeners, each in its own
 *   transaction (bench-only provider {@code guard-bench-events}, deployed next to the bundle), {@code inject.threads}
 *   threads for {@code inject.seconds}, optionally paced to {@code inject.rate}/s: the pipeline's sustained rate
 *   without HTTP and password hashing in front of it; plotted to {@code bench/target/audit-injected.png}.</li>
 *   <li>Backlog drain: HTTP load while Redis is stopped and the file is read-only (chattr +i), then both are released
 *   and the time until both sinks caught up gives the sinks' records/s.</li>
 * </ol>
 * {@code ./mvnw -B -Paudit-throughput package -DskipTests -pl bench -am [-Dthreads=2,8 -Dseconds=60
 * -Dinject.threads=4 -Dinject.seconds=60 -Dinject.rate=0]}
 */
public final class AuditThroughputBench {

    public static void main(String[] args) throws Exception {
        List<Integer> threadCounts = Arrays.stream(System.getProperty("threads", "2,8").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        int seconds = Integer.parseInt(System.getProperty("seconds", "60"));
        int injectSeconds = Integer.parseInt(System.getProperty("inject.seconds", "60"));
        int injectThreads = Integer.parseInt(System.getProperty("inject.threads", "4"));
        int injectRate = Integer.parseInt(System.getProperty("inject.rate", "0"));
        TestRedis redis = TestRedis.fromEnvironment();
        String keyPrefix = "kcguard-bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        // The stream must hold every record of the run for the zero-loss check, so it is capped above the run's size.
        KeycloakOptions options = KeycloakOptions.defaults("bench", Database.fromEnvironment(), redis.url(), keyPrefix)
                .withExtraArgs("--spi-events-listener--guard-audit--stream-max-length=10000000");
        try (GuardEnvironment env = GuardEnvironment.startWith(options, redis)) {
            String realm = "audit-bench-" + UUID.randomUUID().toString().substring(0, 6);
            env.admin().request().body(Map.of("realm", realm, "enabled", true, "bruteForceProtected", false,
                            "eventsListeners", List.of("guard-audit"),
                            "clients", List.of(Map.of("clientId", "cli", "publicClient", true,
                                    "directAccessGrantsEnabled", true, "standardFlowEnabled", false))))
                    .post("/admin/realms").then().statusCode(201);
            String realmId = env.admin().request().get("/admin/realms/{realm}", realm).then().extract().path("id");
            List<String> users = new ArrayList<>();
            for (int i = 0; i < threadCounts.stream().mapToInt(Integer::intValue).max().orElse(1); i++) {
                String u = KeycloakAdmin.uniqueUsername("bench");
                env.admin().createUser(realm, u, "Correct-horse-42");
                users.add(u);
            }
            String metricsUrl = ((DistributionKeycloak) env.keycloak()).managementUrl() + "/metrics";

            load(env, realm, users, 10); // warm-up
            long head = awaitBoth(env, realm, realmId);

            for (int threads : threadCounts) {
                ListenerBuckets before = ListenerBuckets.read(metricsUrl);
                long started = System.nanoTime();
                long logins = load(env, realm, users.subList(0, threads), seconds);
                long loaded = System.nanoTime();
                long newHead = awaitBoth(env, realm, realmId);
                long shipped = System.nanoTime();
                System.out.printf("%nHTTP: %d threads, %d s: %d events (%.0f/s); both sinks held all records %.2f s after"
                                + " the load ended; end to end %.0f records/s%n", threads, seconds, logins,
                        logins / secs(loaded - started), secs(shipped - loaded), logins / secs(shipped - started));
                checkNoLoss(env, realm, realmId, head + 1, newHead);
                System.out.println("  listener time in these requests: " + ListenerBuckets.read(metricsUrl).minus(before));
                head = newHead;
            }

            // The goal's own case: the listener inside password-login requests (LOGIN events, username in the details).
            int loginThreads = Integer.parseInt(System.getProperty("login.threads", "2"));
            int loginSeconds = Integer.parseInt(System.getProperty("login.seconds", String.valueOf(seconds)));
            if (loginSeconds > 0) {
                ListenerBuckets before = ListenerBuckets.read(metricsUrl);
                long started = System.nanoTime();
                long logins = logins(env, realm, users.subList(0, Math.min(loginThreads, users.size())), loginSeconds);
                long loaded = System.nanoTime();
                long newHead = awaitBoth(env, realm, realmId);
                System.out.printf("%nHTTP password logins: %d threads, %d s: %d logins (%.1f/s); both sinks held all"
                                + " records %.2f s after the load ended%n", loginThreads, loginSeconds, logins,
                        logins / secs(loaded - started), secs(System.nanoTime() - loaded));
                checkNoLoss(env, realm, realmId, head + 1, newHead);
                System.out.println("  listener time in these requests: " + ListenerBuckets.read(metricsUrl).minus(before));
                head = newHead;
            }

            head = injected(env, realm, realmId, users.get(0), metricsUrl, head, injectSeconds, injectThreads, injectRate);

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
            System.out.printf("%nBacklog drain: %d records waited for both sinks; both caught up in %.2f s: %.0f records/s per sink%n",
                    newHead - head, secs(drained - released), (newHead - head) / secs(drained - released));
            // Redis restarts empty here (no persistence): the stream must hold every record from the outage on.
            checkNoLoss(env, realm, realmId, head + 1, newHead);
        }
    }

    /**
     * Events sent inside Keycloak through its EventBuilder (bench-only provider {@code guard-bench-events}), each in
     * its own transaction, through the realm's listeners: the pipeline's sustained rate without HTTP and password
     * hashing in front of it. Samples the chain head and both sinks every second and plots them.
     */
    private static long injected(GuardEnvironment env, String realm, String realmId, String username, String metricsUrl,
                                 long head, int seconds, int threads, int rate) throws Exception {
        ListenerBuckets before = ListenerBuckets.read(metricsUrl);
        List<double[]> committed = new ArrayList<>();
        List<double[]> chained = new ArrayList<>();
        List<double[]> inStream = new ArrayList<>();
        List<double[]> inFile = new ArrayList<>();
        long started = System.nanoTime();
        ExecutorService injector = Executors.newSingleThreadExecutor();
        Future<Map<?, ?>> injection = injector.submit(() -> env.admin().request()
                .queryParam("seconds", seconds).queryParam("threads", threads).queryParam("rate", rate)
                .queryParam("username", username).queryParam("client", "cli")
                .post("/admin/realms/{realm}/guard-bench-events/inject", realm).then().statusCode(200).extract().as(Map.class));
        long target = Long.MAX_VALUE;
        while (true) {
            double t = secs(System.nanoTime() - started);
            long chainHead = headSeq(env, realm);
            committed.add(new double[] {t, chainHead - head + pendingAudit(env, realm)});
            long stream = lastStreamSeq(env, realmId);
            long fileSeq = lastFileSeq(realmId);
            chained.add(new double[] {t, chainHead - head});
            inStream.add(new double[] {t, stream - head});
            inFile.add(new double[] {t, fileSeq - head});
            if (target == Long.MAX_VALUE && injection.isDone()) {
                target = head + ((Number) injection.get().get("events")).longValue();
            }
            if (stream >= target && fileSeq >= target) {
                break;
            }
            Thread.sleep(1000);
        }
        long shipped = System.nanoTime();
        injector.shutdown();
        Map<?, ?> result = injection.get();
        long events = ((Number) result.get("events")).longValue();
        double injectSeconds = ((Number) result.get("seconds")).doubleValue();
        long newHead = awaitBoth(env, realm, realmId);
        System.out.printf("%nInjected inside Keycloak: %d threads, %d s%s: %d events (%.0f/s committed); both sinks held all"
                        + " records %.2f s after the injection ended; end to end %.0f records/s%n", threads, seconds,
                rate > 0 ? " paced to " + rate + "/s" : "", events, events / injectSeconds,
                secs(shipped - started) - injectSeconds, events / secs(shipped - started));
        checkNoLoss(env, realm, realmId, head + 1, newHead);
        System.out.println("  listener time: " + ListenerBuckets.read(metricsUrl).minus(before));
        Path png = Path.of(System.getProperty("it.work.dir", "target/bench-work")).resolveSibling("audit-injected.png");
        new LatencyPlot("Audit records through the listener, chain and sinks (" + threads + " threads injecting, "
                + events / Math.round(injectSeconds) + " events/s)", "seconds", "records since the phase started")
                .series("committed (chained + in the outbox)", committed).series("chained", chained).series("in the Redis stream", inStream).series("in the file", inFile)
                .shade(0, injectSeconds, "injecting").write(png);
        System.out.println("  plot: " + png.toAbsolutePath());
        return newHead;
    }

    /** Cumulative counts of {@code keycloak_guard_audit_listener_seconds} by bucket, from Keycloak's /metrics. */
    private record ListenerBuckets(double count, double upTo250us, double upTo1ms, double upTo5ms, double upTo25ms) {

        static ListenerBuckets read(String metricsUrl) {
            String metrics = RestAssured.get(metricsUrl).asString();
            return new ListenerBuckets(value(metrics, "_count", null), value(metrics, "_bucket", "2.5E-4"),
                    value(metrics, "_bucket", "0.001"), value(metrics, "_bucket", "0.005"),
                    value(metrics, "_bucket", "0.025"));
        }

        private static double value(String metrics, String suffix, String le) {
            String labels = le == null ? "(\\{[^}]*\\})?" : "\\{[^}]*le=\"" + Pattern.quote(le) + "\"[^}]*\\}";
            Matcher m = Pattern.compile("(?m)^keycloak_guard_audit_listener_seconds" + suffix + labels
                    + " (?<v>\\S+)$").matcher(metrics);
            return m.find() ? Double.parseDouble(m.group("v")) : 0;
        }

        ListenerBuckets minus(ListenerBuckets earlier) {
            return new ListenerBuckets(count - earlier.count, upTo250us - earlier.upTo250us, upTo1ms - earlier.upTo1ms,
                    upTo5ms - earlier.upTo5ms, upTo25ms - earlier.upTo25ms);
        }

        @Override
        public String toString() {
            String p99 = upTo250us >= 0.99 * count ? "<= 0.25 ms" : upTo1ms >= 0.99 * count ? "<= 1 ms"
                    : upTo5ms >= 0.99 * count ? "in (1, 5] ms" : upTo25ms >= 0.99 * count ? "in (5, 25] ms" : "> 25 ms";
            return String.format("%.0f events; <= 0.25 ms: %.2f %%, <= 1 ms: %.2f %%, <= 5 ms: %.2f %%, <= 25 ms: %.2f %%;"
                            + " p99 %s", count, 100 * upTo250us / count, 100 * upTo1ms / count, 100 * upTo5ms / count,
                    100 * upTo25ms / count, p99);
        }
    }

    /** Password grants in a loop, one thread per user: one LOGIN record per request. The sessions stay. */
    private static long logins(GuardEnvironment env, String realm, List<String> users, int seconds) throws Exception {
        return perUserUntil(users, seconds, (user, end, count) -> {
            while (System.nanoTime() < end) {
                Tokens.passwordGrant(env.baseUrl(), realm, "cli", user, "Correct-horse-42");
                count.incrementAndGet();
            }
        });
    }

    private static long load(GuardEnvironment env, String realm, List<String> users, int seconds) throws Exception {
        return perUserUntil(users, seconds, (user, end, count) -> {
            // One password login (LOGIN), then refreshes (REFRESH_TOKEN): events without the cost of
            // password hashing, which would otherwise bound the event rate on a small machine.
            Object refresh = Tokens.passwordGrant(env.baseUrl(), realm, "cli", user, "Correct-horse-42")
                    .get("refresh_token");
            count.incrementAndGet();
            while (System.nanoTime() < end) {
                Map<?, ?> tokens = Tokens.refreshResponse(env.baseUrl(), realm, "cli", refresh)
                        .then().statusCode(200).extract().as(Map.class);
                refresh = tokens.get("refresh_token");
                count.incrementAndGet();
            }
        });
    }

    private interface UserLoop {
        void run(String user, long endNanos, AtomicLong count);
    }

    /** One thread per user runs the loop for {@code seconds}; the requests the loops counted. */
    private static long perUserUntil(List<String> users, int seconds, UserLoop loop) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(users.size());
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<?>> futures = new ArrayList<>();
        for (String user : users) {
            futures.add(pool.submit(() -> {
                loop.run(user, end, count);
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
            // Nothing left in the outbox either: the last requests' records may not be chained yet.
            if (head > 0 && pendingAudit(env, realm) == 0 && lastSeq(streamSeqs(env, realmId)) >= head
                    && lastSeq(fileSeqs(realmId)) >= head && headSeq(env, realm) == head) {
                return head;
            }
            Thread.sleep(50);
        }
    }

    /** Both sinks hold every seq from {@code from} to {@code head}, in order, once. */
    private static void checkNoLoss(GuardEnvironment env, String realm, String realmId, long from, long head) throws Exception {
        for (List<Long> all : List.of(streamSeqs(env, realmId), fileSeqs(realmId))) {
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

    /** The audit stream is keyed by the realm's id. */
    private static List<Long> streamSeqs(GuardEnvironment env, String realmId) {
        try (RedisClient redis = RedisClient.create(env.redis().url())) {
            return redis.xrange(env.keyPrefix() + "audit:{" + realmId + "}", "-", "+").stream()
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

    private static long pendingAudit(GuardEnvironment env, String realm) {
        Number pending = env.admin().request().get("/admin/realms/{realm}/guard/status", realm).then().statusCode(200)
                .extract().path("outbox.audit.pending");
        return pending == null ? 0 : pending.longValue();
    }

    private static long lastStreamSeq(GuardEnvironment env, String realmId) {
        try (RedisClient redis = RedisClient.create(env.redis().url())) {
            List<StreamEntry> last = redis.xrevrange(env.keyPrefix() + "audit:{" + realmId + "}", "+", "-", 1);
            return last.isEmpty() ? 0 : last.get(0).getID().getTime();
        }
    }

    /** The realm's last seq in the current file, read from its tail (the whole file is read only to check loss). */
    private static long lastFileSeq(String realmId) throws Exception {
        Path file = KeycloakOptions.auditFile();
        if (!Files.exists(file)) {
            return 0;
        }
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, raf.length() - 256 * 1024);
            byte[] tail = new byte[(int) (raf.length() - from)];
            raf.seek(from);
            raf.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (lines[i].contains("\"realmId\":\"" + realmId + "\"")) {
                    Matcher m = SEQ.matcher(lines[i]);
                    if (m.find()) {
                        return Long.parseLong(m.group(1));
                    }
                }
            }
        }
        List<Long> all = fileSeqs(realmId); // just rotated: the realm's last line is in an older file
        return lastSeq(all);
    }

    private static long lastSeq(List<Long> seqs) {
        return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static void run(String... command) throws Exception {
        new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
