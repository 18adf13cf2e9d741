package io.keycloakguard.it.clients;

import static io.keycloakguard.it.clients.Commands.check;
import static io.keycloakguard.it.clients.Commands.run;
import static io.keycloakguard.it.clients.Commands.sha256;

import io.keycloakguard.it.harness.Await;
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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Python package of clients/python as a user gets it: the wheel {@code python -m build} makes, installed into a
 * fresh virtual environment with FastAPI and uvicorn from PyPI, running the README's quick start app under uvicorn.
 * The environment lives under target/python, keyed by the wheel's hash (hatchling builds reproducible wheels), so
 * a second run with the same sources reuses it.
 */
final class PythonPackage {

    static final Path SOURCES = Path.of("..", "clients", "python").toAbsolutePath().normalize();
    static final Path WORK = Path.of("target", "python").toAbsolutePath();

    private static final Pattern READY = Pattern.compile("\"ready\":\\s*true");

    private final Path venv;

    private PythonPackage(Path venv) {
        this.venv = venv;
    }

    /** Whether {@code python3 -m venv} can make an environment with pip here (Debian needs python3-venv). */
    static boolean venvAvailable() {
        try {
            return run(List.of("python3", "-c", "import venv, ensurepip"), WORK.getParent(), Duration.ofSeconds(30))
                    .exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Builds the wheel and returns an environment with it (and fastapi, uvicorn) installed. */
    static synchronized PythonPackage buildAndInstall() {
        try {
            Files.createDirectories(WORK);
            Path buildVenv = WORK.resolve("build-venv");
            if (!Files.isExecutable(buildVenv.resolve("bin/python"))) {
                check(run(List.of("python3", "-m", "venv", buildVenv.toString()), WORK, Duration.ofMinutes(2)), "venv");
                check(run(List.of(buildVenv.resolve("bin/pip").toString(), "install", "-q", "build"), WORK,
                        Duration.ofMinutes(3)), "pip install build");
            }
            Path dist = Files.createTempDirectory(WORK, "dist-");
            check(run(List.of(buildVenv.resolve("bin/python").toString(), "-m", "build", "--wheel", "--outdir",
                    dist.toString(), SOURCES.toString()), WORK, Duration.ofMinutes(3)), "python -m build");
            Path wheel;
            try (Stream<Path> files = Files.list(dist)) {
                wheel = files.filter(p -> p.getFileName().toString().endsWith(".whl")).findFirst()
                        .orElseThrow(() -> new AssertionError("python -m build made no wheel in " + dist));
            }
            Path venv = WORK.resolve("venv-" + sha256(wheel).substring(0, 16));
            Path installed = venv.resolve(".installed");
            try {
                if (!Files.exists(installed)) {
                    // --clear: a half-made environment of an interrupted run starts over.
                    check(run(List.of("python3", "-m", "venv", "--clear", venv.toString()), WORK,
                            Duration.ofMinutes(2)), "venv");
                    check(run(List.of(venv.resolve("bin/pip").toString(), "install", "-q",
                            wheel + "[fastapi]", "uvicorn"), WORK, Duration.ofMinutes(5)), "pip install the wheel");
                    Files.writeString(installed, wheel.getFileName().toString());
                }
            } finally {
                Files.delete(wheel);
                Files.delete(dist);
            }
            return new PythonPackage(venv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The quick start of clients/python/README.md, exactly as printed. */
    static String quickStart() throws IOException {
        String readme = Files.readString(SOURCES.resolve("README.md"));
        Matcher block = Pattern.compile("## Quick start \\(FastAPI\\)\\s+```python\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        if (!block.find()) {
            throw new AssertionError("no quick start in " + SOURCES.resolve("README.md"));
        }
        return block.group(1);
    }

    /** Runs the quick start app under uvicorn on a free loopback port, configured by environment variables only. */
    App start(String name, Map<String, String> environment, int workers) throws IOException {
        Path dir = WORK.resolve("apps").resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("app.py"), quickStart());
        int port = FreePorts.next();
        Path log = dir.resolve("uvicorn.log");
        ProcessBuilder builder = new ProcessBuilder(venv.resolve("bin/uvicorn").toString(), "app:app",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--workers", String.valueOf(workers),
                "--no-access-log")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("KEYCLOAK_GUARD_"));
        builder.environment().putAll(environment);
        App app = new App(name, builder.start(), "http://127.0.0.1:" + port, log);
        try {
            // Ready: the snapshot has loaded (fresh or not: a fail-closed app answers 503 until a heartbeat).
            Await.until(() -> app.health() > 0 && READY.matcher(app.healthBody()).find(), Duration.ofSeconds(60),
                    name + " is up and its revocation feed loaded (" + app.logTail() + ")");
        } catch (AssertionError e) {
            app.close();
            throw e;
        }
        return app;
    }

    static final class App implements ResourceServerScenario.AppUnderTest {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        final String name;
        final Process process;
        final String url;
        final Path log;

        App(String name, Process process, String url, Path log) {
            this.name = name;
            this.process = process;
            this.url = url;
            this.log = log;
        }

        HttpResponse<String> get(String path, String accessToken) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10));
            if (accessToken != null) {
                request.header("Authorization", "Bearer " + accessToken);
            }
            try {
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(name + " did not answer " + path + " (" + logTail() + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The status of GET /api/me with this token. */
        int me(String accessToken) {
            return get("/api/me", accessToken).statusCode();
        }

        int health() {
            try {
                return get("/health/keycloak-guard", null).statusCode();
            } catch (UncheckedIOException e) {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited: " + logTail());
                }
                return -1;
            }
        }

        String healthBody() {
            return get("/health/keycloak-guard", null).body();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String baseUrl() {
            return url;
        }

        @Override
        public String healthPath() {
            return "/health/keycloak-guard";
        }

        @Override
        public String logTail() {
            return Commands.logTail(name, log);
        }

        @Override
        public void close() {
            Commands.stop(process);   // SIGTERM: the app closes its server and stops the guard
        }
    }
}
