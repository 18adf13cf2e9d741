package io.keycloakguard.it.harness;

import java.util.UUID;

/**
 * {@code ./mvnw -Prun package}: Keycloak with the pack and the demo realm on http://localhost:8080,
 * on its dev H2 database, with Redis from {@code REDIS_URL} or a private one. Ctrl-C stops everything.
 */
public final class LocalRun {

    private static final String DEMO_REALM = "guard-demo";

    private LocalRun() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(Settings.get("port", "GUARD_PORT", "8080"));
        if (!FreePorts.isFree(port)) {
            System.err.println("Port " + port + " is in use; stop what runs there or pass -Dport=<other>.");
            System.exit(1);
        }
        TestRedis redis = TestRedis.fromEnvironment();
        KeycloakOptions options = KeycloakOptions.defaults("local", new Database(Database.DEV_FILE, null, null, null, null),
                redis.url(), "kcguard:").withHttpPort(port);
        GuardEnvironment env;
        try {
            env = GuardEnvironment.startWith(options, redis);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Keycloak and Redis ...");
            env.close();
        }, "local-run-stop"));

        String demoPassword = "demo-" + UUID.randomUUID().toString().substring(0, 12);
        env.admin().createUser(DEMO_REALM, "demo", demoPassword);

        String base = "http://localhost:" + port;
        System.out.println();
        System.out.println("Keycloak Guard is running on " + base + " (" + redis + ")");
        System.out.println("  Admin console:  " + base + "/admin/   user: " + env.keycloak().adminUsername()
                + "   password: " + env.keycloak().adminPassword());
        System.out.println("  Demo realm:     " + base + "/realms/" + DEMO_REALM + "/account   user: demo   password: "
                + demoPassword);
        System.out.println("  Pack status:    " + base + "/admin/realms/" + DEMO_REALM + "/guard/status (admin bearer token)");
        System.out.println("Press Ctrl-C to stop.");
        Thread.currentThread().join();
    }
}
