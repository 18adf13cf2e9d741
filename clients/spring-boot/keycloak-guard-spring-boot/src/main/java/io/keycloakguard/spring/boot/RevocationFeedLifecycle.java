package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.RevocationClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;

/**
 * Holds the application's start until the revocation feed's first snapshot has loaded (at most
 * {@code ready-timeout}), before the web server opens: Boot starts its web server in a later lifecycle phase, so no
 * request is served by an application that knows no revocation yet. When the snapshot does not load in time (Redis
 * down at start) the application starts anyway, refuses every token until it loads, and reports its health
 * OUT_OF_SERVICE: an orchestrator's readiness probe keeps traffic away, and the application needs no restart once
 * Redis answers.
 */
public final class RevocationFeedLifecycle implements SmartLifecycle {

    /** Before the web server (Boot starts it near {@code Integer.MAX_VALUE - 2048}) and before most beans. */
    public static final int PHASE = -1000;

    private static final Log LOG = LogFactory.getLog(RevocationFeedLifecycle.class);

    private final RevocationClient revocations;
    private final Duration readyTimeout;
    private volatile boolean running;

    public RevocationFeedLifecycle(RevocationClient revocations, Duration readyTimeout) {
        this.revocations = revocations;
        this.readyTimeout = readyTimeout;
    }

    @Override
    public void start() {
        running = true;
        try {
            if (revocations.awaitReady(readyTimeout)) {
                LOG.info("Keycloak Guard: revocation feed loaded (" + revocations.liveRevocations() + " live revocations)");
            } else {
                LOG.warn("Keycloak Guard: the revocation feed did not load within " + readyTimeout.toMillis() + " ms ("
                        + revocations.health().lastError() + "); every token is refused until it does");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        // The client itself is closed when its bean is destroyed, after the web server has stopped serving.
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
