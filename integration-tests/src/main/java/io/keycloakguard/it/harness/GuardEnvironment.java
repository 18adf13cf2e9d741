package io.keycloakguard.it.harness;

import java.util.UUID;

/**
 * One Redis and one Keycloak with the pack for the whole test JVM: a Keycloak start costs ~45 s, so
 * every test class shares them. Stopped when the suite ends, fails or is interrupted.
 */
public final class GuardEnvironment implements AutoCloseable {

    private static GuardEnvironment shared;
    private static RuntimeException startFailure;

    private final KeycloakOptions options;
    private final Database database;
    private final TestRedis redis;
    private final String keyPrefix;
    private final KeycloakServer keycloak;
    private final KeycloakAdmin admin;

    private GuardEnvironment(KeycloakOptions options, TestRedis redis, KeycloakServer keycloak) {
        this.options = options;
        this.database = options.database();
        this.redis = redis;
        this.keyPrefix = options.redisKeyPrefix();
        this.keycloak = keycloak;
        this.admin = new KeycloakAdmin(keycloak);
    }

    public static synchronized GuardEnvironment shared() {
        if (startFailure != null) {
            // One failed start is reported by every later test class, without another ~60 s attempt.
            throw new IllegalStateException("The shared Keycloak failed to start earlier in this run", startFailure);
        }
        if (shared == null) {
            try {
                shared = start("it");
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(GuardEnvironment::stopShared, "guard-harness-stop"));
        }
        return shared;
    }

    static synchronized void stopShared() {
        try {
            // Its nodes use this environment's Redis and database: stop them first.
            KeycloakCluster.stopShared();
        } finally {
            if (shared != null) {
                shared.close();
                shared = null;
            }
        }
    }

    /** Starts Redis and Keycloak as the environment says: see the README's "Tests" section. */
    public static GuardEnvironment start(String name) {
        Database database = Database.fromEnvironment();
        TestRedis redis = TestRedis.fromEnvironment();
        System.out.println("[harness] Redis: " + redis);
        // Our own prefix per run: tests never touch keys they did not create.
        String keyPrefix = "kcguard-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try {
            KeycloakOptions options = KeycloakOptions.defaults(name, database, redis.url(), keyPrefix);
            KeycloakServer keycloak = "container".equals(Settings.get("it.keycloak", "IT_KEYCLOAK", "distribution"))
                    ? ContainerKeycloak.start(options)
                    : DistributionKeycloak.start(options);
            return new GuardEnvironment(options, redis, keycloak);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    public static GuardEnvironment startWith(KeycloakOptions options, TestRedis redis) {
        KeycloakServer keycloak = DistributionKeycloak.start(options);
        return new GuardEnvironment(options, redis, keycloak);
    }

    /**
     * What the suite's Keycloak was started with (database, Redis and key prefix, providers, realms): the
     * base for a further Keycloak of a test, e.g. a {@link KeycloakCluster}.
     */
    public KeycloakOptions options() {
        return options;
    }

    public Database database() {
        return database;
    }

    public TestRedis redis() {
        return redis;
    }

    /** The prefix the pack uses for its Redis keys in this run. */
    public String keyPrefix() {
        return keyPrefix;
    }

    public KeycloakServer keycloak() {
        return keycloak;
    }

    public KeycloakAdmin admin() {
        return admin;
    }

    public String baseUrl() {
        return keycloak.baseUrl();
    }

    @Override
    public void close() {
        try {
            keycloak.close();
        } finally {
            redis.close();
        }
    }
}
