package io.keycloakguard.bench;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.load.LatencyRecorder;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-login cost of the session limiter and the device checks with 1,000 and with 100,000 active sessions
 * (and as many recorded sign-ins) in the realm.
 *
 * <p>A realm {@code guard-scale} with a cheap password hash (pbkdf2-sha256, 1 iteration) so that seeding
 * real Keycloak sessions through password grants is fast; users {@code seed-N} get 10 sessions each, through a
 * direct-grant flow with the device recorder, so that the login history grows with the sessions.
 * At each size, a probe user logs in alternately through a client whose direct-grant flow runs the new-device
 * condition (its device and history lookups; on the probe's known network it does not step up), the limiter
 * (realm limit 5) and the device recorder, and through a client with Keycloak's stock direct-grant flow, and logs
 * out after each login so that its own session count stays the same. Reported: latency of the login request.
 */
public final class SessionScaleBench {

    static final String REALM = "guard-scale";
    static final String PASSWORD = "pw-seed";
    static final int SESSIONS_PER_USER = 10;

    public static void main(String[] args) throws Exception {
        int small = Integer.getInteger("small", 1_000);
        int large = Integer.getInteger("large", 100_000);
        int samples = Integer.getInteger("samples", 400);
        try (GuardEnvironment env = GuardEnvironment.start("bench-scale")) {
            createRealm(env);
            AuthFlows flows = new AuthFlows(env.admin(), REALM);
            flows.copy("direct grant", "limited-dg");
            flows.addSubflow("limited-dg", "limited-dg step-up", "CONDITIONAL");
            flows.saveAcceptedConfig(flows.addRequired("limited-dg step-up", "guard-condition-new-device"), "scale-new-network",
                    Map.of("newIf", "network", "compareLastLogins", "20"));
            flows.addRequired("limited-dg step-up", "direct-grant-validate-otp");
            flows.saveAcceptedConfig(flows.addRequired("limited-dg", "guard-session-limit"), "scale-limit",
                    Map.of("realmLimit", "5"));
            flows.saveAcceptedConfig(flows.addRequired("limited-dg", "guard-device-recorder"), "scale-recorder",
                    Map.of("keepLogins", "20", "notifyNewDevice", "false"));
            flows.copy("direct grant", "recorded-dg");
            flows.saveAcceptedConfig(flows.addRequired("recorded-dg", "guard-device-recorder"), "seed-recorder",
                    Map.of("keepLogins", "20", "notifyNewDevice", "false"));
            flows.createClient("limited", "http://127.0.0.1:9/cb", null, "limited-dg", Map.of());
            flows.createClient("stock", "http://127.0.0.1:9/cb", null, null, Map.of());
            flows.createClient("seeder", "http://127.0.0.1:9/cb", null, "recorded-dg", Map.of());
            env.admin().createUser(REALM, "probe", PASSWORD);
            // One recorded sign-in first: the probe's network is then known and the condition does not step up.
            loginLogout(env, "seeder");

            seed(env, small);
            analyze(env);
            Result atSmall = measure(env, samples);
            seed(env, large);
            analyze(env);
            Result atLarge = measure(env, samples);

            System.out.printf("%nSession limiter and device checks, per-login cost (direct grant, %d alternating samples per client)%n", samples);
            atSmall.print();
            atLarge.print();
            System.out.printf("Keycloak reports %d active sessions in the realm at the end; %d login-history rows,"
                            + " of which %d are the probe's through the measured flow (the recorder keeps 20)%n",
                    activeSessions(env), count(env, "guard_login_history", "true"),
                    count(env, "guard_login_history", "client_id = 'limited'"));
            System.out.printf("ratio limited p50 large/small: %.3f, mean: %.3f%n",
                    atLarge.limited.p50 / atSmall.limited.p50, atLarge.limited.mean / atSmall.limited.mean);
            // Normalised by the stock flow measured alternately at the same size: what the limiter adds.
            System.out.printf("ratio (limited/stock) large/small: p50 %.3f, mean %.3f%n",
                    (atLarge.limited.p50 / atLarge.stock.p50) / (atSmall.limited.p50 / atSmall.stock.p50),
                    (atLarge.limited.mean / atLarge.stock.mean) / (atSmall.limited.mean / atSmall.stock.mean));
        }
    }

    /** A count in the database (PostgreSQL runs only), or -1. */
    private static long count(GuardEnvironment env, String table, String where) throws Exception {
        var db = env.database();
        if (!"postgres".equals(db.vendor())) {
            return -1;
        }
        try (var c = java.sql.DriverManager.getConnection(db.url(), db.username(), db.password());
             var st = c.createStatement();
             var rs = st.executeQuery("select count(*) from " + db.schema() + "." + table + " where " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Refreshes the database's planner statistics after seeding, as autovacuum does in a deployment whose
     * sessions grew over time. Without it, PostgreSQL plans per-user session queries with the statistics of
     * an empty table and scans the realm-wide expiration index (measured: 33 ms instead of 0.1 ms at 100,000).
     */
    private static void analyze(GuardEnvironment env) throws Exception {
        var db = env.database();
        if (!"postgres".equals(db.vendor()) || !Boolean.parseBoolean(System.getProperty("analyze", "true"))) {
            return;
        }
        try (var c = java.sql.DriverManager.getConnection(db.url(), db.username(), db.password());
             var st = c.createStatement()) {
            st.execute("ANALYZE " + db.schema() + ".offline_user_session");
            st.execute("ANALYZE " + db.schema() + ".offline_client_session");
            st.execute("ANALYZE " + db.schema() + ".guard_login_history");
            st.execute("ANALYZE " + db.schema() + ".guard_device");
        }
    }

    private static void createRealm(GuardEnvironment env) {
        env.admin().request().body(Map.of(
                "realm", REALM, "enabled", true,
                "passwordPolicy", "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)",
                "ssoSessionIdleTimeout", 36000, "ssoSessionMaxLifespan", 36000,
                "accessTokenLifespan", 3600))
                .post("/admin/realms").then().statusCode(201);
    }

    private static int seededUsers = 0;
    private static int seededSessions = 0;

    /** Brings the realm to {@code target} sessions: users of 10 sessions each, logged in 8 at a time. */
    private static void seed(GuardEnvironment env, int target) throws Exception {
        long started = System.nanoTime();
        int usersNeeded = (target + SESSIONS_PER_USER - 1) / SESSIONS_PER_USER;
        for (int from = seededUsers; from < usersNeeded; from += 500) {
            List<Map<String, Object>> users = new ArrayList<>();
            for (int i = from; i < Math.min(from + 500, usersNeeded); i++) {
                users.add(Map.of("username", "seed-" + i, "enabled", true, "email", "seed-" + i + "@example.test",
                        "firstName", "Seed", "lastName", "User" + i,
                        "credentials", List.of(Map.of("type", "password", "value", PASSWORD))));
            }
            env.admin().request().body(Map.of("users", users, "ifResourceExists", "SKIP"))
                    .post("/admin/realms/{realm}/partialImport", REALM).then().statusCode(200);
        }
        seededUsers = Math.max(seededUsers, usersNeeded);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger next = new AtomicInteger(seededSessions);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            workers.add(pool.submit(() -> {
                for (int n = next.getAndIncrement(); n < target; n = next.getAndIncrement()) {
                    Response r = Tokens.passwordGrantResponse(env.baseUrl(), REALM, "seeder",
                            "seed-" + (n / SESSIONS_PER_USER), PASSWORD);
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("seeding failed: " + r.asString());
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        seededSessions = Math.max(seededSessions, target);
        System.out.printf("[bench] seeded %d sessions in %.0f s%n", target, (System.nanoTime() - started) / 1e9);
    }

    /** Keycloak's own count (admin console "Sessions" statistics), summed over clients. */
    private static long activeSessions(GuardEnvironment env) {
        List<Map<String, Object>> stats = env.admin().request()
                .get("/admin/realms/{realm}/client-session-stats", REALM).then().extract().jsonPath().getList("");
        return stats.stream().mapToLong(s -> Long.parseLong(String.valueOf(s.get("active")))).sum();
    }

    record Stats(double p50, double p90, double p99, double mean) {
        static Stats of(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            return new Stats(LatencyRecorder.percentile(s, 50), LatencyRecorder.percentile(s, 90),
                    LatencyRecorder.percentile(s, 99), Arrays.stream(s).average().orElse(0) / 1e6);
        }

        @Override
        public String toString() {
            return String.format("p50 %6.2f  p90 %6.2f  p99 %6.2f  mean %6.2f ms", p50, p90, p99, mean);
        }
    }

    record Result(int sessions, Stats limited, Stats stock) {
        void print() {
            System.out.printf("%,d sessions in the realm%n  limiter flow  %s%n  stock flow    %s%n  limiter cost (p50 difference) %.2f ms%n",
                    sessions, limited, stock, limited.p50 - stock.p50);
        }
    }

    private static Result measure(GuardEnvironment env, int samples) {
        // The first measurement also warms the JIT; a long warm-up keeps that out of the 1,000-session numbers.
        for (int i = 0; i < Integer.getInteger("warmup", 300); i++) {
            loginLogout(env, "limited");
            loginLogout(env, "stock");
        }
        long[] limited = new long[samples];
        long[] stock = new long[samples];
        for (int i = 0; i < samples; i++) {
            limited[i] = loginLogout(env, "limited");
            stock[i] = loginLogout(env, "stock");
        }
        return new Result(seededSessions, Stats.of(limited), Stats.of(stock));
    }

    /** Nanoseconds of the login request; the logout after it is not timed. */
    private static long loginLogout(GuardEnvironment env, String client) {
        long start = System.nanoTime();
        Response r = Tokens.passwordGrantResponse(env.baseUrl(), REALM, client, "probe", PASSWORD);
        long took = System.nanoTime() - start;
        if (r.statusCode() != 200) {
            throw new IllegalStateException(client + " login failed: " + r.asString());
        }
        Tokens.logout(env.baseUrl(), REALM, client, r.jsonPath().getString("refresh_token"));
        return took;
    }

    private SessionScaleBench() {
    }
}
