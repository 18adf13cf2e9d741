package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Spring Boot example application (clients/spring-boot/example or example-boot3), its executable JAR as Maven
 * built it, run as a separate JVM on a free port and configured by environment variables only, as a deployment
 * would. Its log is {@code target/it-work/spring-<module>-<name>.log}.
 */
final class SpringBootApp implements ResourceServerScenario.AppUnderTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    /** Ends the app when the test JVM ends without closing it (a failed or interrupted run). */
    private final Thread reaper;

    private SpringBootApp(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.reaper = new Thread(process::destroyForcibly, "reap " + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** The executable JAR of an example module; fails with the command that builds it when it is missing. */
    static Path jar(String module) {
        Path target = Path.of(System.getProperty("user.dir")).resolveSibling("clients").resolve("spring-boot")
                .resolve(module).resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().startsWith("keycloak-guard-spring-boot-example")
                            && p.getFileName().toString().endsWith(".jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("No example JAR in " + target
                            + ": build it with ./mvnw -B verify -pl integration-tests -am (it builds clients/spring-boot/"
                            + module + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SpringBootApp start(String module, String name, Map<String, String> variables) {
        int port = FreePorts.next();
        Path workDir = Path.of(System.getProperty("it.work.dir", "target/it-work"));
        Path log = workDir.resolve("spring-" + module + "-" + name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and frugal: the machine's two cores are shared with Keycloak and the test.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar(module).toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(variables);
        builder.environment().put("SERVER_PORT", String.valueOf(port));
        builder.environment().put("SERVER_ADDRESS", "127.0.0.1");
        try {
            Files.createDirectories(workDir);
            SpringBootApp app = new SpringBootApp(module + "/" + name, port, builder.start(), log);
            app.awaitServing();
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
    }

    /** Until the web server answers: it opens only after the feed's first snapshot has loaded (or ready-timeout). */
    private void awaitServing() {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + logTail());
            }
            if (readiness() == 200) {
                return;
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException(name + " did not become healthy within 180 s: " + logTail());
    }

    private int readiness() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + healthPath())).timeout(Duration.ofSeconds(5)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notYet) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The readiness group, which includes the keycloakGuard component (application.properties). */
    @Override
    public String healthPath() {
        return "/actuator/health/readiness";
    }

    @Override
    public String logTail() {
        return Commands.logTail(name, log);
    }

    /** SIGTERM: Boot shuts down gracefully, the feed's follower stops with the context. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        Commands.stop(process);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
