package io.keycloakguard.it.harness;

import java.util.List;

/** A running Keycloak with the pack, however it was started (distribution or container). */
public interface KeycloakServer extends AutoCloseable {

    /** e.g. {@code http://127.0.0.1:41234} */
    String baseUrl();

    String adminUsername();

    String adminPassword();

    /** Everything the server logged so far. */
    String log();

    default List<String> logTail(int lines) {
        List<String> all = log().lines().toList();
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    @Override
    void close();
}
