package io.keycloakguard.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** POSIX signals to the harness's own processes (kill(1)): pausing a server keeps its data and its sockets. */
final class Signals {

    private Signals() {
    }

    /** SIGSTOP: the process does nothing until {@link #resume}; clients' requests time out. */
    static void pause(Process process) {
        send(process, "-STOP");
    }

    static void resume(Process process) {
        send(process, "-CONT");
    }

    private static void send(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
