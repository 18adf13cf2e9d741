package io.keycloakguard.it.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starting and stopping the {@code redis-server} processes of the harness's Redis topologies (Sentinel, Cluster,
 * TLS): one log per port in the topology's directory, nothing kept on disk unless a caller asks for it.
 */
final class RedisServers {

    private RedisServers() {
    }

    /** Whether {@code program} is an executable in a directory of the PATH. */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }

    /** Arguments every data node gets: loopback only, no RDB snapshots, no append-only file. */
    static List<String> dataNode(int port, Path dir) {
        return new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb"));
    }

    /** Starts {@code redis-server args} with its output in {@code dir/redis-<port>.log} (appended after a restart). */
    static Process launch(Path dir, int port, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add("redis-server");
        command.addAll(args);
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start redis-server on " + port, e);
        }
    }

    /** SIGKILL: the process dies at once, losing whatever it had not sent to its replicas. */
    static void kill(Process process, int port) {
        Signals.resume(process);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        FreePorts.awaitListening(port, false, "redis");
    }

    /** Stops a process of the harness whatever state it is in (also a paused one). */
    static void stop(Process process) {
        if (process != null && process.isAlive()) {
            Signals.resume(process);
            process.destroyForcibly();
        }
    }
}
