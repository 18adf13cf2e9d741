package io.keycloakguard.authenticators.notify;

import org.jboss.logging.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs a problem once per realm and cause, not at every sign-in; later repeats go to debug. A cleared
 * cause (the mail went out again) is logged again when it comes back.
 */
final class OnceLog {

    private final Logger log;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    OnceLog(Logger log) {
        this.log = log;
    }

    /** Logs at WARN the first time for this realm and cause; returns whether it did. */
    boolean warn(String realmId, String cause, String message) {
        if (logged.size() > 10_000) {
            logged.clear();
        }
        if (logged.add(realmId + "\u0000" + cause)) {
            log.warn(message);
            return true;
        }
        log.debug(message);
        return false;
    }

    /** Forgets the causes of a realm that start with {@code prefix}. */
    void clear(String realmId, String prefix) {
        logged.removeIf(k -> k.startsWith(realmId + "\u0000" + prefix));
    }
}
