package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.FreePorts;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of a test's own (the harness's is shared by the suite), on a free port, with a memory limit and Redis's
 * default policy at the limit (noeviction), stopped by {@link #close()}.
 */
record PrivateRedis(Process process, int port) implements AutoCloseable {

    static boolean available() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(entry, "redis-server"))) {
                    return true;
                }
            }
        }
        return false;
    }

    static PrivateRedis start(String maxMemory) {
        int port = FreePorts.next();
        try {
            Path dir = Path.of("target/it-work/redis-private-" + port).toAbsolutePath();
            Files.createDirectories(dir);
            Process process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory", maxMemory,
                    "--maxmemory-policy", "noeviction", "--dir", dir.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            PrivateRedis redis = new PrivateRedis(process, port);
            Await.until(() -> !FreePorts.isFree(port), Duration.ofSeconds(15), "redis-server on " + port);
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
