package io.keycloakguard.it.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Keycloak of the harness is started with.
 *
 * @param name        a short name for logs and the work directory (e.g. {@code node1})
 * @param httpPort    0 for a free port
 * @param extraArgs   further {@code kc.sh start} options, e.g. {@code --spi-…} settings of a test
 */
public record KeycloakOptions(String name, int httpPort, Database database, String redisUrl, String redisKeyPrefix,
                              Path providersDir, Path realmsDir, List<String> extraArgs) {

    public static KeycloakOptions defaults(String name, Database database, String redisUrl, String keyPrefix) {
        return new KeycloakOptions(name, 0, database, redisUrl, keyPrefix, Settings.providersDir(),
                Settings.realmsDir(), List.of(
                        // Like a deployment behind a reverse proxy on 127.0.0.1: tests on 127.0.0.1 may say which client
                        // address they stand for (X-Forwarded-For); any other peer's forwarding headers are ignored.
                        "--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.1"));
    }

    /** The bundle JAR the harness installs in every Keycloak's {@code providers/}: exactly what operators install. */
    public static Path bundleJar() {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(Settings.providersDir())) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList();
            if (jars.size() != 1) {
                throw new IllegalStateException("expected the bundle alone in " + Settings.providersDir() + ": " + jars);
            }
            return jars.get(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public KeycloakOptions withHttpPort(int port) {
        return new KeycloakOptions(name, port, database, redisUrl, redisKeyPrefix, providersDir, realmsDir, extraArgs);
    }

    public KeycloakOptions withExtraArgs(String... args) {
        List<String> all = new ArrayList<>(extraArgs);
        all.addAll(List.of(args));
        return new KeycloakOptions(name, httpPort, database, redisUrl, redisKeyPrefix, providersDir, realmsDir, List.copyOf(all));
    }

    /** The pack's own options, the same whichever way Keycloak is started. */
    public List<String> guardArgs() {
        return List.of(
                "--spi-guard-redis--default--url=" + redisUrl,
                "--spi-guard-redis--default--key-prefix=" + redisKeyPrefix,
                // Short, so tests see an outage and a recovery within a second or two.
                "--spi-guard-redis--default--health-check-interval=1s",
                // Records outlive their tokens by this skew (60 s in production): short, so that tests can watch a
                // record expire right after the token it covers.
                "--spi-guard-outbox-sink--revocation--clock-skew=5s",
                // The audit trail's file sink (guard-audit), where the tests read and tamper with it.
                "--spi-events-listener--guard-audit--file-path=" + auditFile());
    }

    /** The file the harness Keycloak's audit file sink writes (rotated files beside it). */
    public static Path auditFile() {
        return Settings.workDir().toAbsolutePath().resolve("audit").resolve("guard-audit.jsonl");
    }
}
