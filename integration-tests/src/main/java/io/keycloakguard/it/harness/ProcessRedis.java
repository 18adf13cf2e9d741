package io.keycloakguard.it.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} from PATH on a port of its own: keeping nothing on disk, or (append-only)
 * keeping every write in an append-only file fsynced per write, so that a stop and restart loses nothing.
 */
final class ProcessRedis implements TestRedis {

    private final int port;
    private final Path dir;
    private final boolean appendOnly;
    private Process process;

    ProcessRedis(int port, Path dir) {
        this(port, dir, false);
    }

    ProcessRedis(int port, Path dir, boolean appendOnly) {
        this.port = port;
        this.dir = dir;
        this.appendOnly = appendOnly;
        if (appendOnly) {
            try {
                // A port can come round again: never load what an earlier run left there.
                DistributionKeycloak.deleteTree(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot clear " + dir, e);
            }
        }
        start();
    }

    static boolean onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(entry, "redis-server"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public boolean isPrivate() {
        return true;
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", appendOnly ? "yes" : "no",
                    "--appendfsync", "always", "--dir", dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start redis-server", e);
        }
        waitUntil(true);
    }

    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        waitUntil(false);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            Signals.resume(process);
        }
        stop();
    }

    @Override
    public synchronized void pause() {
        Signals.pause(process);
    }

    @Override
    public synchronized void resume() {
        Signals.resume(process);
    }

    @Override
    public boolean canPause() {
        return true;
    }

    private void waitUntil(boolean listening) {
        FreePorts.awaitListening(port, listening, "redis-server");
    }

    @Override
    public String toString() {
        return "private redis-server " + url();
    }
}
