package io.keycloakguard.core.outbox;

import org.keycloak.provider.ProviderFactory;

public interface OutboxProviderFactory extends ProviderFactory<OutboxProvider> {
}
