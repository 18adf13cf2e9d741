package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A few threads that each log a user of their own in with a password and out again, over and over, through the
 * {@link TopologyRealm#APP} client (so every login passes the per-IP rate limit, which asks Redis), alternating the
 * Keycloak nodes from one cycle to the next. Each logout Keycloak confirmed is a committed revocation, and each login and logout an audit record.
 */
final class LoginLogoutLoad implements AutoCloseable {

    /** A request that did not do what it should, and when (epoch ms). */
    record Failure(long atMillis, String what) {
    }

    record Result(int logins, int logouts, List<String> revokedSessions, List<Failure> failures) {

        @Override
        public String toString() {
            return logins + " logins, " + logouts + " logouts, " + failures.size() + " failed requests"
                    + (failures.isEmpty() ? "" : ": " + failures.subList(0, Math.min(5, failures.size())));
        }
    }

    private final TopologyRealm realm;
    private final List<String> nodes;
    private final ExecutorService pool;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger logins = new AtomicInteger();
    private final List<String> revoked = Collections.synchronizedList(new ArrayList<>());
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());

    private LoginLogoutLoad(TopologyRealm realm, List<String> nodes, int threads) {
        this.realm = realm;
        this.nodes = nodes;
        this.pool = Executors.newFixedThreadPool(threads);
    }

    static LoginLogoutLoad start(TopologyRealm realm, List<String> nodes, int threads) {
        LoginLogoutLoad load = new LoginLogoutLoad(realm, nodes, threads);
        for (int t = 0; t < threads; t++) {
            String username = realm.newUser("load");
            String address = TopologyRealm.newAddress();
            int offset = t;
            load.pool.submit(() -> load.run(username, address, offset));
        }
        return load;
    }

    private void run(String username, String address, int offset) {
        int i = offset;
        while (running.get()) {
            // Each cycle on one node, the next on the other: a token's issuer is the URL of the node that issued it
            // (the nodes have no common --hostname here), and another node refuses its logout as invalid_token.
            String loginNode = nodes.get(i % nodes.size());
            String logoutNode = loginNode;
            i++;
            try {
                Response login = realm.passwordGrant(loginNode, TopologyRealm.APP, address, username, TopologyRealm.PASSWORD);
                if (login.statusCode() != 200) {
                    failures.add(new Failure(System.currentTimeMillis(), "login on " + loginNode + ": "
                            + login.statusCode() + " " + login.asString()));
                    continue;
                }
                logins.incrementAndGet();
                Map<String, Object> tokens = login.as(Map.class);
                String sid = (String) Tokens.claims((String) tokens.get("access_token")).get("sid");
                int logout = realm.logout(logoutNode, TopologyRealm.APP, tokens.get("refresh_token"));
                if (logout == 204) {
                    revoked.add(sid);
                } else {
                    failures.add(new Failure(System.currentTimeMillis(), "logout on " + logoutNode + ": " + logout));
                }
            } catch (RuntimeException e) {
                failures.add(new Failure(System.currentTimeMillis(), "request failed: " + e));
            }
        }
    }

    /** Logins that succeeded so far. */
    int loginsSoFar() {
        return logins.get();
    }

    /** Stops the threads after their current request; what they did. */
    Result stop() {
        running.set(false);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.MINUTES)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(logins.get(), revoked.size(), List.copyOf(revoked), List.copyOf(failures));
    }

    @Override
    public void close() {
        running.set(false);
        pool.shutdownNow();
    }
}
