package io.keycloakguard.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private nginx (Debian's {@code /usr/sbin/nginx}) as the reverse proxy in front of a test Keycloak: its own config
 * file, prefix directory, pid file and logs under {@code target/it-work/nginx-<name>/}, listening on 127.0.0.1 and a
 * free port, stopped with {@link #close()}. The test gives what goes into the {@code http} and {@code server} blocks,
 * e.g. the configuration the docs print.
 */
public final class Nginx implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Path dir;
    private final int port;
    private final Process process;

    private Nginx(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Whether nginx is installed here (.ci/run installs Debian's package). */
    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts nginx with {@code httpBlock} at the {@code http} level (e.g. a {@code map}) and {@code serverBlock} inside
     * a {@code server} listening on 127.0.0.1 and a free port (e.g. a {@code location} with {@code proxy_pass}).
     */
    public static Nginx start(String name, String httpBlock, String serverBlock) {
        Path dir = Settings.workDir().resolve("nginx-" + name).toAbsolutePath();
        int port = FreePorts.next();
        try {
            DistributionKeycloak.deleteTree(dir);
            Files.createDirectories(dir.resolve("temp"));
            String config = String.join("\n",
                    "# Written by the test harness (Nginx.java); the http and server parts are the test's.",
                    "worker_processes 1;",
                    "daemon off;",
                    "pid " + dir.resolve("nginx.pid") + ";",
                    "error_log " + dir.resolve("error.log") + " info;",
                    "events { worker_connections 512; }",
                    "http {",
                    "    access_log " + dir.resolve("access.log") + ";",
                    "    client_body_temp_path " + dir.resolve("temp/body") + ";",
                    "    proxy_temp_path " + dir.resolve("temp/proxy") + ";",
                    "    fastcgi_temp_path " + dir.resolve("temp/fastcgi") + ";",
                    "    uwsgi_temp_path " + dir.resolve("temp/uwsgi") + ";",
                    "    scgi_temp_path " + dir.resolve("temp/scgi") + ";",
                    httpBlock,
                    "    server {",
                    "        listen 127.0.0.1:" + port + ";",
                    serverBlock,
                    "    }",
                    "}", "");
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, config, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(List.of(BINARY.toString(), "-p", dir + "/", "-c", conf.toString(),
                    "-e", dir.resolve("error.log").toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile())
                    .start();
            Nginx nginx = new Nginx(dir, port, process);
            try {
                Await.until(() -> !process.isAlive() || nginx.listening(), Duration.ofSeconds(15),
                        "nginx " + name + " listens on " + port);
                if (!process.isAlive()) {
                    throw new IllegalStateException("nginx " + name + " did not start:\n" + nginx.log() + "\nconfig:\n" + config);
                }
            } catch (RuntimeException e) {
                nginx.close();
                throw e;
            }
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The error log and what nginx printed, for failure messages. */
    public String log() {
        StringBuilder out = new StringBuilder();
        for (String file : List.of("nginx.out", "error.log")) {
            try {
                Path p = dir.resolve(file);
                if (Files.exists(p)) {
                    out.append(Files.readString(p, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                out.append("(cannot read ").append(file).append(")");
            }
        }
        return out.toString();
    }

    private boolean listening() {
        return !FreePorts.isFree(port);
    }

    /** Stops nginx (SIGTERM: a fast shutdown), forcibly when it is not gone within 10 s. */
    @Override
    public void close() {
        process.destroy();
        if (process.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join() == null) {
            process.destroyForcibly();
        }
    }
}
