package io.keycloakguard.bench;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.load.LatencyRecorder;
import io.keycloakguard.it.load.LoadDriver;
import io.keycloakguard.it.load.OverheadRealms;
import io.keycloakguard.it.load.OverheadRun;
import io.keycloakguard.revocation.RevocationClient;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Logout-to-rejection latency on loopback: for each of N sessions of a pack realm (the overhead benchmark's, with
 * the revocation and audit listeners), POST the logout and spin until a resource server's RevocationClient
 * (following the same Redis) rejects the session's access token. Reports p50/p90/p99/max, measured from sending the
 * logout and from receiving its response. Each pack logout alternates with a logout in the stock twin realm (no
 * pack listener), so the run also shows how long Keycloak's own logout request takes under the same load, and how
 * much of the latency "from sending" is Keycloak's and how much the pack's.
 */
public final class PropagationBench {

    static final String REALM = "propagation-pack";
    static final String STOCK_REALM = "propagation-stock";

    public static void main(String[] args) throws Exception {
        int logouts = Integer.parseInt(System.getProperty("logouts", "1000"));
        // Background login load: threads of the overhead benchmark's load driver, as issue 8 asks; 0 = none.
        int loadThreads = Integer.parseInt(System.getProperty("loginLoad", "0"));
        try (GuardEnvironment env = GuardEnvironment.start("bench")) {
            LoadDriver.Target pack = OverheadRealms.pack(env.admin(), env.baseUrl(), REALM, 1,
                    OverheadRealms.Hashing.KEYCLOAK_DEFAULT);
            LoadDriver.Target stock = OverheadRealms.stock(env.admin(), env.baseUrl(), STOCK_REALM, 1,
                    OverheadRealms.Hashing.KEYCLOAK_DEFAULT);
            try (RedisClient jedis = RedisClient.create(env.redis().url());
                 RevocationClient client = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                         .pollBlock(Duration.ofSeconds(1)).start()) {
                run(env, client, pack, stock, logouts, loadThreads);
            }
        }
    }

    private static void run(GuardEnvironment env, RevocationClient client, LoadDriver.Target pack,
                            LoadDriver.Target stock, int logouts, int loadThreads) {
        // The login load of the overhead benchmark (issue 8, item 1) on a pack realm of its own: each thread
        // cycles through password login, browser login and refresh.
        LatencyRecorder loadRecorder = new LatencyRecorder();
        LoadDriver.Running load = null;
        LoadDriver loadDriver = null;
        if (loadThreads > 0) {
            loadDriver = new LoadDriver(OverheadRealms.pack(env.admin(), env.baseUrl(), "propagation-load", 100,
                    OverheadRealms.Hashing.KEYCLOAK_DEFAULT));
            load = loadDriver.start(loadRecorder, OverheadRun.LOGIN_LOAD, loadThreads);
        }
        for (int i = 0; i < 50; i++) {
            measure(client, pack); // warm-up, not recorded
            stockLogout(stock);
        }
        double loadFrom = loadRecorder.elapsedSeconds();
        long[] fromRequest = new long[logouts];
        long[] fromResponse = new long[logouts];
        long[] packLogout = new long[logouts];
        long[] stockLogout = new long[logouts];
        for (int i = 0; i < logouts; i++) {
            long[] sample = measure(client, pack);
            fromRequest[i] = sample[0];
            fromResponse[i] = sample[1];
            packLogout[i] = sample[0] - sample[1];
            stockLogout[i] = stockLogout(stock);
        }
        double loadTo = loadRecorder.elapsedSeconds();
        System.out.printf("%nLogout-to-rejection over %d logouts (ms), %.1f s%n", logouts, loadTo - loadFrom);
        if (load != null) {
            load.stop();
            long logins = 0;
            System.out.printf("Login load meanwhile: %d threads cycling %s on a pack realm%n", loadThreads,
                    OverheadRun.LOGIN_LOAD.stream().map(LoadDriver.Operation::label).toList());
            for (LoadDriver.Operation operation : OverheadRun.LOGIN_LOAD) {
                LatencyRecorder.Summary summary = loadRecorder.summary(operation.label(), loadFrom, loadTo);
                System.out.println("  " + summary);
                if (operation != LoadDriver.Operation.REFRESH) {
                    logins += summary.succeeded();
                }
            }
            System.out.printf("  logins (password + browser): %.1f/s; failures: %s%n", logins / (loadTo - loadFrom),
                    loadDriver.failureReasons());
        }
        report("from sending the logout", fromRequest);
        report("from the logout's response", fromResponse);
        System.out.println("The logout request itself (sending to response), alternating in the same run:");
        report("pack realm", packLogout);
        report("stock twin realm", stockLogout);
    }

    /** One session: returns nanos from request start and from response until the client rejects its token. */
    private static long[] measure(RevocationClient client, LoadDriver.Target pack) {
        Map<String, Object> tokens = Tokens.passwordGrant(pack.baseUrl(), pack.realm(), pack.clientId(),
                pack.usernames().get(0), pack.password());
        Map<String, Object> claims = Tokens.claims((String) tokens.get("access_token"));
        long start = System.nanoTime();
        Tokens.logout(pack.baseUrl(), pack.realm(), pack.clientId(), tokens.get("refresh_token"));
        long responded = System.nanoTime();
        long deadline = responded + Duration.ofSeconds(10).toNanos();
        while (!client.isRevoked(claims)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Not rejected within 10 s");
            }
            Thread.onSpinWait();
        }
        long rejected = System.nanoTime();
        return new long[] {rejected - start, rejected - responded};
    }

    /** One session of the stock twin: nanos from sending its logout to the response. */
    private static long stockLogout(LoadDriver.Target stock) {
        Map<String, Object> tokens = Tokens.passwordGrant(stock.baseUrl(), stock.realm(), stock.clientId(),
                stock.usernames().get(0), stock.password());
        long start = System.nanoTime();
        Tokens.logout(stock.baseUrl(), stock.realm(), stock.clientId(), tokens.get("refresh_token"));
        return System.nanoTime() - start;
    }

    private static void report(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-28s p50 %6.2f  p90 %6.2f  p99 %6.2f  max %6.2f%n", label,
                LatencyRecorder.percentile(sorted, 50), LatencyRecorder.percentile(sorted, 90),
                LatencyRecorder.percentile(sorted, 99), sorted[sorted.length - 1] / 1e6);
    }

}
