package io.keycloakguard.core.outbox;

import org.keycloak.provider.ProviderFactory;

/** The factory id is the outbox topic this sink delivers. */
public interface OutboxSinkFactory extends ProviderFactory<OutboxSink> {
}
