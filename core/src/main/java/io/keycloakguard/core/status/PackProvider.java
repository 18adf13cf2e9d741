package io.keycloakguard.core.status;

/**
 * One provider of the pack as the status endpoint reports it.
 *
 * @param scope  {@code realm} when a realm admin turns it on (flow, listener, required action),
 *               {@code server} when it serves every realm once the JAR is installed
 * @param active whether it is in use in the realm asked about
 */
public record PackProvider(String spi, String id, String scope, boolean active) {
}
