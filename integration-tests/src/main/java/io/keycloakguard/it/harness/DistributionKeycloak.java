package io.keycloakguard.it.harness;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Keycloak distribution (the {@code keycloak-quarkus-dist} zip Maven unpacked) with the bundle
 * in {@code providers/}: built once with {@code kc.sh build}, started with {@code kc.sh start --optimized}.
 */
public final class DistributionKeycloak implements KeycloakServer {

    /** How long a start may take: 8 minutes, or IT_START_TIMEOUT (an ISO duration, e.g. PT15M) on a crowded machine. */
    private static final Duration START_TIMEOUT = Duration.parse(Settings.get("it.start.timeout", "IT_START_TIMEOUT", "PT8M"));

    /** {@code kc.sh build} options of a single node (docker-compose.yml sets the same; DockerComposeTest compares). */
    public static final List<String> SINGLE_NODE_BUILD_OPTIONS = List.of("--health-enabled=true",
            "--metrics-enabled=true", "--cache=local");
    /** {@code kc.sh start} options every harness Keycloak gets, besides ports, database and the pack's options. */
    public static final List<String> START_OPTIONS = List.of("--http-enabled=true", "--hostname-strict=false");
    /** Where, under the Keycloak home, the bundle, the realm imports and the password blocklists go. */
    public static final String PROVIDERS_DIR = "providers";
    public static final String IMPORT_DIR = "data/import";
    public static final String BLOCKLISTS_DIR = "data/password-blacklists";

    private final Path home;
    private final Path workDir;
    private final KeycloakOptions options;
    private final String adminPassword;
    /** Built with {@code --cache=ispn} for a {@link KeycloakCluster} node, else {@code --cache=local}. */
    private final boolean clustered;
    private final Path logFile;
    private final Path pidFile;
    private int httpPort;
    private int managementPort;
    private Process process;
    private boolean appendLog;

    private DistributionKeycloak(Path home, Path workDir, KeycloakOptions options) {
        this(home, workDir, options, "admin-" + UUID.randomUUID(), false);
    }

    /**
     * A Keycloak on the distribution at {@code home} (e.g. a {@link KeycloakCluster}'s own copy), with the
     * given bootstrap admin password: nodes that share a database must share it too.
     */
    DistributionKeycloak(Path home, Path workDir, KeycloakOptions options, String adminPassword, boolean clustered) {
        this.home = home;
        this.workDir = workDir;
        this.options = options;
        this.adminPassword = adminPassword;
        this.clustered = clustered;
        this.logFile = workDir.resolve("keycloak-" + options.name() + ".log");
        this.pidFile = workDir.resolve("keycloak-" + options.name() + ".pid");
    }

    public static DistributionKeycloak start(KeycloakOptions options) {
        DistributionKeycloak kc = new DistributionKeycloak(Settings.keycloakHome(), Settings.workDir(), options);
        kc.startProcess(true);
        return kc;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    @Override
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    @Override
    public String adminUsername() {
        return "admin";
    }

    @Override
    public String adminPassword() {
        return adminPassword;
    }

    @Override
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Starts Keycloak and waits until it is ready. With {@code prepare} (the usual case): builds the
     * distribution if needed, resets the database, and imports the realms; without it (a further node of
     * a {@link KeycloakCluster}): starts on the distribution and database as they are.
     */
    void startProcess(boolean prepare) {
        try {
            Files.createDirectories(workDir);
            killLeftover();
            if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
                throw new IllegalStateException("No Keycloak distribution at " + home
                        + "; run the tests through Maven (./mvnw verify), which unpacks it");
            }
            if (prepare) {
                installProvidersAndBuild();
                prepareData();
            }

            System.out.printf("[harness] Starting Keycloak %s (%s, Redis %s); log: %s%n",
                    options.name(), options.database(), options.redisUrl(), logFile);
            long started = System.nanoTime();
            launch(prepare);
            waitUntilReady();
            System.out.printf("[harness] Keycloak %s ready on %s in %.1f s%n", options.name(), baseUrl(),
                    (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void launch(boolean importRealms) throws IOException {
        if (httpPort == 0) {
            httpPort = options.httpPort() == 0 ? FreePorts.next() : options.httpPort();
            managementPort = FreePorts.next();
        }
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--http-host=127.0.0.1", "--http-port=" + httpPort,
                "--http-management-host=127.0.0.1", "--http-management-port=" + managementPort));
        command.addAll(START_OPTIONS);
        if (importRealms) {
            command.add("--import-realm");
        }
        command.addAll(databaseArgs());
        command.addAll(options.guardArgs());
        command.addAll(options.extraArgs());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(appendLog ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
                        : ProcessBuilder.Redirect.to(logFile.toFile()));
        configureEnvironment(pb.environment());
        pb.environment().putAll(RealmEnvironment.variables());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", adminUsername());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        process = pb.start();
        Files.writeString(pidFile, String.valueOf(process.pid()));
    }

    /**
     * Starts a second, independent Keycloak on the suite's (already built) distribution, with a database of
     * its own (a scratch H2 file, or a scratch schema/database next to the suite's), no realm imports, and
     * its own bootstrap admin. For tests of how Keycloak starts, e.g. without Redis.
     */
    public static DistributionKeycloak startScratch(KeycloakOptions options) {
        KeycloakOptions scratch = new KeycloakOptions(options.name(), options.httpPort(),
                options.database().scratch(options.name()), options.redisUrl(), options.redisKeyPrefix(),
                options.providersDir(), options.realmsDir(), options.extraArgs());
        if (scratch.database().isDevFile()) {
            // A fresh database every time: an earlier run's would keep its bootstrap admin (another password).
            try {
                deleteTree(Settings.workDir().resolve(options.name() + "-h2"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            scratch = scratch.withExtraArgs("--db-url=jdbc:h2:file:"
                    + Settings.workDir().resolve(options.name() + "-h2/keycloakdb") + ";NON_KEYWORDS=VALUE");
        } else {
            scratch.database().resetSchema();
        }
        DistributionKeycloak kc = new DistributionKeycloak(Settings.keycloakHome(), Settings.workDir(), scratch);
        try {
            Files.createDirectories(kc.workDir);
            long started = System.nanoTime();
            kc.launch(false);
            kc.waitUntilReady();
            System.out.printf("[harness] Scratch Keycloak %s ready on %s in %.1f s%n", options.name(), kc.baseUrl(),
                    (System.nanoTime() - started) / 1e9);
            return kc;
        } catch (IOException e) {
            kc.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            kc.close();
            throw e;
        }
    }

    /**
     * Starts a second Keycloak on the suite's (already built) distribution that is expected to refuse to
     * start, e.g. for a bad option; returns its log. It shares the database of the running server
     * (on H2: a scratch database of its own) and imports nothing.
     */
    public static String startExpectingFailure(KeycloakOptions options) {
        KeycloakOptions scratch = options.database().isDevFile()
                ? options.withExtraArgs("--db-url=jdbc:h2:file:" + Settings.workDir().resolve(options.name() + "-h2/keycloakdb")
                        + ";NON_KEYWORDS=VALUE")
                : options;
        DistributionKeycloak kc = new DistributionKeycloak(Settings.keycloakHome(), Settings.workDir(), scratch);
        try {
            Files.createDirectories(kc.workDir);
            kc.launch(false);
            if (!kc.process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("Keycloak " + options.name() + " did not stop by itself:\n" + kc.log());
            }
            if (kc.process.exitValue() == 0) {
                throw new AssertionError("Keycloak " + options.name() + " exited normally:\n" + kc.log());
            }
            return kc.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            kc.close();
        }
    }

    /** Copies the bundle into providers/ and runs kc.sh build, unless the same build is already there. */
    private void installProvidersAndBuild() throws IOException {
        Path providers = home.resolve(PROVIDERS_DIR);
        Files.createDirectories(providers);
        StringBuilder fingerprint = new StringBuilder();
        try (Stream<Path> old = Files.list(providers)) {
            for (Path p : old.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.delete(p);
            }
        }
        try (Stream<Path> jars = Files.list(options.providersDir())) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                Path target = providers.resolve(jar.getFileName());
                Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                fingerprint.append(jar.getFileName()).append(':').append(Files.size(jar)).append(':')
                        .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
            }
        }
        List<String> buildArgs = buildArgs();
        fingerprint.append(buildArgs);
        Path marker = home.resolve(".guard-build");
        if (Files.exists(marker) && Files.readString(marker).contentEquals(fingerprint)) {
            return;
        }
        Path buildLog = workDir.resolve("kc-build.log");
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.addAll(buildArgs);
        System.out.printf("[harness] kc.sh %s%n", String.join(" ", buildArgs));
        long started = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(buildLog.toFile());
        configureEnvironment(pb.environment());
        try {
            Process build = pb.start();
            if (!build.waitFor(10, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException("kc.sh build failed:\n" + Files.readString(buildLog));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during kc.sh build", e);
        }
        Files.writeString(marker, fingerprint);
        System.out.printf("[harness] kc.sh build done in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private List<String> buildArgs() {
        List<String> args = clustered
                ? List.of("build", "--db=" + options.database().vendor(), "--cache=ispn", "--health-enabled=true",
                        "--metrics-enabled=true")
                : Stream.concat(Stream.of("build", "--db=" + options.database().vendor()),
                        SINGLE_NODE_BUILD_OPTIONS.stream()).toList();
        return args.stream().filter(a -> buildAcceptsCache() || !a.startsWith("--cache=")).toList();
    }

    /**
     * {@code --cache} is a run-time option: 26.5 and later accept it in {@code kc.sh build} and ignore it there
     * ("run time options ... will be ignored during build time: kc.cache"), 26.4 refuses it ("Run time option:
     * '--cache' not usable with build"). Left out on 26.4, so every release runs with the same cache.
     */
    private static boolean buildAcceptsCache() {
        return KeycloakVersion.atLeast("26.5");
    }

    private void prepareData() throws IOException {
        if (options.database().isDevFile()) {
            deleteTree(home.resolve("data/h2"));
        } else {
            options.database().resetSchema();
        }
        Path imports = home.resolve(IMPORT_DIR);
        deleteTree(imports);
        Files.createDirectories(imports);
        if (Files.isDirectory(options.realmsDir())) {
            try (Stream<Path> realms = Files.list(options.realmsDir())) {
                for (Path realm : realms.filter(p -> p.toString().endsWith(".json")).toList()) {
                    Files.copy(realm, imports.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // Password blocklists the realms' passwordBlacklist(...) policies name; Keycloak reads them from here.
        Path blocklists = options.realmsDir().resolveSibling("password-blacklists");
        if (Files.isDirectory(blocklists)) {
            Path target = home.resolve(BLOCKLISTS_DIR);
            Files.createDirectories(target);
            try (Stream<Path> lists = Files.list(blocklists)) {
                for (Path list : lists.filter(Files::isRegularFile).toList()) {
                    Files.copy(list, target.resolve(list.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private List<String> databaseArgs() {
        Database db = options.database();
        if (db.isDevFile()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("--db-url=" + db.url()));
        if (db.username() != null) {
            args.add("--db-username=" + db.username());
        }
        if (db.password() != null && !db.password().isEmpty()) {
            args.add("--db-password=" + db.password());
        }
        if (db.schema() != null) {
            args.add("--db-schema=" + db.schema());
        }
        return args;
    }

    /** The harness decides every Keycloak option: none leaks in from the caller's KC_* variables. */
    private static void configureEnvironment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("KC_") || k.startsWith("KEYCLOAK_") || k.equals("JAVA_OPTS"));
        env.put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
    }

    private void waitUntilReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak " + options.name() + " exited with " + process.exitValue()
                        + " while starting. Last lines of " + logFile + ":\n" + String.join("\n", logTail(60)));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            sleep(500);
        }
        throw new IllegalStateException("Keycloak " + options.name() + " not ready after " + START_TIMEOUT
                + ". Last lines of " + logFile + ":\n" + String.join("\n", logTail(60)));
    }

    /** A Keycloak left running by a test JVM that was killed outright. */
    private void killLeftover() throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false))
                    .ifPresent(p -> {
                        System.out.println("[harness] Stopping Keycloak left over from an earlier run, pid " + pid);
                        killTree(p);
                    });
        } catch (NumberFormatException e) {
            // unreadable pid file: nothing to stop
        }
        Files.deleteIfExists(pidFile);
    }

    /** Stops Keycloak gracefully (SIGTERM), forcibly if it takes over a minute. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        // kc.sh forwards SIGTERM to its java child and waits for it.
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                killTree(process.toHandle());
            }
        } catch (InterruptedException e) {
            killTree(process.toHandle());
            Thread.currentThread().interrupt();
        }
        process = null;
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // nothing left to clean
        }
    }

    /** Kills Keycloak at once (SIGKILL to the JVM), as a crash would. */
    public synchronized void kill() {
        if (process != null) {
            killTree(process.toHandle());
            process = null;
        }
    }

    /**
     * Kills Keycloak outright and starts it again on the same ports and database, as after a crash:
     * whatever was committed before the kill must still be there.
     */
    @Override
    public synchronized void killAndRestart() {
        kill();
        try {
            Files.writeString(logFile, "\n----- killed and restarted by the test -----\n",
                    java.nio.file.StandardOpenOption.APPEND);
            long started = System.nanoTime();
            launchAppendingLog();
            waitUntilReady();
            System.out.printf("[harness] Keycloak %s restarted after SIGKILL in %.1f s%n", options.name(),
                    (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launchAppendingLog() throws IOException {
        appendLog = true;
        launch(false);
    }

    /** SIGKILL to kc.sh and the JVM it runs: kc.sh does not exec java, and SIGKILL cannot be forwarded. */
    private static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroyForcibly);
        tree.forEach(p -> {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // already gone or unkillable; nothing more to do
            }
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
