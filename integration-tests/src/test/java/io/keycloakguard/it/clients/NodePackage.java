package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Node package of clients/node as a user gets it: the tarball {@code npm pack} makes (after {@code npm ci}, whose
 * prepack step compiles the TypeScript), installed with Express from the npm registry into a fresh app directory under
 * target/node, running the README's Express quick start with {@code node}. The app directory is keyed by the tarball's
 * SHA-256 (npm packs reproducibly), so a second run with the same sources reuses it.
 */
final class NodePackage {

    static final Path SOURCES = Path.of("..", "clients", "node").toAbsolutePath().normalize();
    static final Path WORK = Path.of("target", "node").toAbsolutePath();

    private final Path appDir;

    private NodePackage(Path appDir) {
        this.appDir = appDir;
    }

    /** Whether node (>= 20) and npm are on the PATH. */
    static boolean available() {
        try {
            Result node = run(List.of("node", "-e", "process.exit(Number(process.versions.node.split('.')[0]) >= 20 ? 0 : 1)"),
                    Path.of("target").toAbsolutePath(), Duration.ofSeconds(30));
            Result npm = run(List.of("npm", "--version"), Path.of("target").toAbsolutePath(), Duration.ofSeconds(30));
            return node.exitCode == 0 && npm.exitCode == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Packs the package and returns an app directory with that tarball and Express installed. */
    static synchronized NodePackage packAndInstall() {
        try {
            Files.createDirectories(WORK);
            check(run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), SOURCES, Duration.ofMinutes(5)),
                    "npm ci in " + SOURCES);
            Path dist = Files.createTempDirectory(WORK, "pack-");
            Path tarball;
            try {
                check(run(List.of("npm", "pack", "--pack-destination", dist.toString()), SOURCES, Duration.ofMinutes(3)),
                        "npm pack");
                try (var files = Files.list(dist)) {
                    Path packed = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                            .orElseThrow(() -> new AssertionError("npm pack made no tarball in " + dist));
                    tarball = WORK.resolve(packed.getFileName());
                    Files.move(packed, tarball, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(dist);
            }
            Path app = WORK.resolve("app-" + sha256(tarball).substring(0, 16));
            if (!Files.exists(app)) {
                // Made aside and moved in whole: an interrupted run never leaves a half-made app directory in use.
                Path staging = Files.createTempDirectory(WORK, "staging-");
                Files.writeString(staging.resolve("package.json"),
                        "{\"name\": \"kcguard-express-it\", \"private\": true, \"type\": \"module\"}\n");
                check(run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", tarball.toString(),
                        "express@5"), staging, Duration.ofMinutes(5)), "npm install the tarball and express");
                Files.move(staging, app, StandardCopyOption.ATOMIC_MOVE);
            }
            return new NodePackage(app);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Express quick start of clients/node/README.md, exactly as printed. */
    static String quickStart() throws IOException {
        String readme = Files.readString(SOURCES.resolve("README.md"));
        Matcher block = Pattern.compile("\n## Quick start \\(Express\\)\n.*?```js\n(.*?)```", Pattern.DOTALL).matcher(readme);
        if (!block.find()) {
            throw new AssertionError("no Express quick start in " + SOURCES.resolve("README.md"));
        }
        return block.group(1);
    }

    /** The installed package's version (package.json of the tarball). */
    String installedVersion() throws IOException {
        String json = Files.readString(appDir.resolve("node_modules/@keycloak-guard/revocation/package.json"));
        Matcher version = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        return version.find() ? version.group(1) : "?";
    }

    /** Runs the quick start with node on a free loopback port, configured by environment variables only. */
    ResourceServerScenario.AppUnderTest start(String name, Map<String, String> settings) throws IOException {
        Path file = appDir.resolve(name + ".mjs");
        Files.writeString(file, quickStart());
        int port = FreePorts.next();
        Path log = WORK.resolve(name + "-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder("node", file.toString())
                .directory(appDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("KEYCLOAK_GUARD_"));
        builder.environment().putAll(settings);
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("HOST", "127.0.0.1");
        App app = new App(name, builder.start(), "http://127.0.0.1:" + port, log);
        try {
            Await.until(() -> app.healthStatus() == 200, Duration.ofSeconds(60),
                    name + " serves, its revocation feed loaded and fresh (" + app.logTail() + ")");
        } catch (AssertionError e) {
            app.close();
            throw e;
        }
        return app;
    }

    static final class App implements ResourceServerScenario.AppUnderTest {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();

        private final String name;
        private final Process process;
        private final String url;
        private final Path log;

        App(String name, Process process, String url, Path log) {
            this.name = name;
            this.process = process;
            this.url = url;
            this.log = log;
        }

        @Override
        public String name() {
            return "express " + name;
        }

        @Override
        public String baseUrl() {
            return url;
        }

        @Override
        public String healthPath() {
            return "/health";
        }

        int healthStatus() {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited: " + logTail());
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(url + healthPath())).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public String logTail() {
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                return name + " log: " + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return name + " log unreadable: " + e;
            }
        }

        @Override
        public void close() {
            process.destroy();   // SIGTERM: the quick start closes the server and stops the guard
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Path dir, Duration timeout) {
        try {
            Files.createDirectories(dir);
            Path out = Files.createTempFile("node-", ".log");
            try {
                Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " took longer than " + timeout);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void check(Result result, String what) {
        if (result.exitCode != 0) {
            throw new AssertionError(what + " failed (" + result.exitCode + "): " + result.output);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
