package io.keycloakguard.authenticators.ratelimit;

import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says once that the rate limit cannot reach Redis, and once that it can again, however many logins
 * and failed logins happen in between (on this node).
 */
final class RedisOutage {

    private static final Logger LOG = Logger.getLogger(RedisOutage.class);
    private static final AtomicBoolean DOWN = new AtomicBoolean();

    private RedisOutage() {
    }

    static void noticed(RuntimeException cause) {
        if (DOWN.compareAndSet(false, true)) {
            LOG.warnf("Keycloak Guard: Redis unavailable; per-IP rate limit not enforced and failed logins not "
                    + "counted until it is back (logins through configs set to deny are refused meanwhile): %s",
                    cause.getMessage());
        }
    }

    static void over() {
        if (DOWN.get() && DOWN.compareAndSet(true, false)) {
            LOG.info("Keycloak Guard: Redis reachable again; per-IP rate limit enforced again");
        }
    }
}
