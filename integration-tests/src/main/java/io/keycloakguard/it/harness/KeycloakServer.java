package io.keycloakguard.it.harness;

import java.util.List;

/** A running Keycloak with the pack, however it was started (distribution or container). */
public interface KeycloakServer extends AutoCloseable {

    /** e.g. {@code http://127.0.0.1:41234} */
    String baseUrl();

    String adminUsername();

    String adminPassword();

    /** The management interface (health, {@code /metrics}), e.g. {@code http://127.0.0.1:41235}. */
    String managementUrl();

    /**
     * Kills the server without a shutdown (as a crash would) and starts it again on the same data and ports.
     * A backend that cannot ends the test as skipped.
     */
    void killAndRestart();

    /** Everything the server logged so far. */
    String log();

    default List<String> logTail(int lines) {
        List<String> all = log().lines().toList();
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    @Override
    void close();
}
