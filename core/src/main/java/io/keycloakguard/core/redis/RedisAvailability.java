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
    // Why Redis was last unreachable, so that a new reason (say, a certificate after a dropped connection) is logged too.
    private volatile String downReason;
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
        String reason = describe(cause);
        if (up.compareAndSet(true, false)) {
            downReason = reason;
            LOG.warnf("Keycloak Guard: Redis at %s is unreachable (%s). Logins go on without it; "
                    + "the pack keeps retrying and says so here when it is back.", target, reason);
        } else if (!reason.equals(downReason)) {
            downReason = reason;
            LOG.warnf("Keycloak Guard: Redis at %s is still unreachable, now: %s", target, reason);
        }
    }

    /**
     * The root cause in one line, with what the operator most likely has to fix when it is a refused password, an
     * untrusted certificate or a certificate for another host name (Java's own messages do not say it is Redis's TLS).
     */
    static String describe(Throwable cause) {
        Throwable root = cause;
        boolean tls = false;
        while (true) {
            tls |= root instanceof javax.net.ssl.SSLException;
            if (root.getCause() == null || root.getCause() == root) {
                break;
            }
            root = root.getCause();
        }
        String message = root.getMessage();
        String text = root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        String m = message == null ? "" : message;
        if (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH")) {
            return "Redis refused the user name or password (options username, password): " + text;
        }
        if (tls && m.contains("valid certification path")) {
            return "TLS: Redis's certificate is not signed by a CA the pack trusts (options tls-truststore, "
                    + "tls-truststore-password): " + text;
        }
        if (tls && m.contains("No subject alternative") || tls && m.contains("No name matching")) {
            return "TLS: Redis's certificate does not name the host the pack connects to (option tls-verify-hostname): "
                    + text;
        }
        return tls ? "TLS: " + text : text;
    }
}
