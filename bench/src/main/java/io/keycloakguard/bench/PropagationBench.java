package io.keycloakguard.bench;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;


/**
 * Logout-to-rejection latency on loopback: for each of N sessions, POST the logout and spin until a
 * resource server's RevocationClient (following the same Redis) rejects the session's access token.
 * Reports p50/p90/p99/max, measured from sending the logout and from receiving its response.
 */
public final class PropagationBench {

    static final String REALM = "guard-demo";

    public static void main(String[] args) throws Exception {
        int logouts = Integer.parseInt(System.getProperty("logouts", "1000"));
        // Background login load (password grants of other users, back to back), as issue 8 asks: 0 = none.
        int loadThreads = Integer.parseInt(System.getProperty("loginLoad", "0"));
        try (GuardEnvironment env = GuardEnvironment.start("bench");
             RedisClient jedis = RedisClient.create(env.redis().url());
             RevocationClient client = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                     .pollBlock(Duration.ofSeconds(1)).start()) {
            // Keycloak's brute-force detection takes back-to-back logins of one user for an attack; this is a load test.
            env.admin().request().body(Map.of("bruteForceProtected", false)).put("/admin/realms/{realm}", REALM)
                    .then().statusCode(204);
            String username = KeycloakAdmin.uniqueUsername("propagation");
            env.admin().createUser(REALM, username, "Correct-horse-42");

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong loadLogins = new AtomicLong();
            AtomicLong loadErrors = new AtomicLong();
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < loadThreads; t++) {
                String loadUser = KeycloakAdmin.uniqueUsername("load");
                env.admin().createUser(REALM, loadUser, "Correct-horse-42");
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            if (Tokens.passwordGrantResponse(env.baseUrl(), REALM, "demo-cli", loadUser, "Correct-horse-42")
                                    .statusCode() == 200) {
                                loadLogins.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            loadErrors.incrementAndGet();
                        }
                    }
                }, "login-load-" + t);
                thread.setDaemon(true);
                thread.start();
                load.add(thread);
            }
            for (int i = 0; i < 50; i++) {
                measure(env, client, username); // warm-up, not recorded
            }
            long loadStart = System.nanoTime();
            long loadBefore = loadLogins.get();
            long[] fromRequest = new long[logouts];
            long[] fromResponse = new long[logouts];
            for (int i = 0; i < logouts; i++) {
                long[] sample = measure(env, client, username);
                fromRequest[i] = sample[0];
                fromResponse[i] = sample[1];
            }
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            long loadDone = loadLogins.get() - loadBefore;
            stop.set(true);
            System.out.printf("%nLogout-to-rejection over %d logouts (ms), login load: %d threads, %d logins in %.1f s = %.1f logins/s%n",
                    logouts, loadThreads, loadDone, loadSeconds, loadDone / loadSeconds);
            System.out.printf("Load requests that failed at the HTTP level: %d%n", loadErrors.get());
            report("from sending the logout", fromRequest);
            report("from the logout's response", fromResponse);
        }
    }

    /** One session: returns nanos from request start and from response until the client rejects its token. */
    private static long[] measure(GuardEnvironment env, RevocationClient client, String username) {
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42");
        Map<String, Object> claims = Tokens.claims((String) tokens.get("access_token"));
        long start = System.nanoTime();
        Tokens.logout(env.baseUrl(), REALM, "demo-cli", tokens.get("refresh_token"));
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

    private static void report(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-28s p50 %6.2f  p90 %6.2f  p99 %6.2f  max %6.2f%n", label,
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted[sorted.length - 1] / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }


}
