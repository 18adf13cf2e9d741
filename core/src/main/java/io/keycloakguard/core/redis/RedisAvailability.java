package io.keycloakguard.core.redis;

import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether Redis answered last time, logging only when that changes, so an outage during heavy
 * traffic gives one warning, not one per request.
 */
final class RedisAvailability {

    private static final Logger LOG = Logger.getLogger(RedisAvailability.class);

    private final String target;
    // Unknown until the first attempt; the first failure must be logged too.
    private final AtomicBoolean up = new AtomicBoolean(true);
    private volatile boolean everConnected;
    private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();

    RedisAvailability(String target) {
        this.target = target;
    }

    boolean isUp() {
        return up.get();
    }

    void markUp() {
        boolean recovered = up.compareAndSet(false, true);
        if (recovered || !everConnected) {
            LOG.infof("Keycloak Guard: Redis at %s is reachable%s", target,
                    everConnected ? " again; the pack uses it from now on" : "");
        }
        everConnected = true;
        if (recovered) {
            for (Runnable listener : recoveryListeners) {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    LOG.debugf(e, "A Redis recovery listener failed");
                }
            }
        }
    }

    /** Runs after Redis answers again following an outage (e.g. to deliver what waited, at once). Keep it quick. */
    void onRecovery(Runnable listener) {
        recoveryListeners.add(listener);
    }

    void markDown(Throwable cause) {
        if (up.compareAndSet(true, false)) {
            LOG.warnf("Keycloak Guard: Redis at %s is unreachable (%s). Logins go on without it; "
                    + "the pack keeps retrying and says so here when it is back.", target, describe(cause));
        }
    }

    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
