package io.keycloakguard.core.concurrent;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The pack's background threads: one named daemon thread per task, so a thread dump says which of the pack's jobs
 * runs where, and none of them keeps Keycloak from shutting down.
 */
public final class DaemonScheduler {

    private DaemonScheduler() {
    }

    /** A single-threaded scheduler whose thread is called {@code threadName}. */
    public static ScheduledExecutorService named(String threadName) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }
}
