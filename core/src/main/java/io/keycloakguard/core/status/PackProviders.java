package io.keycloakguard.core.status;

import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

import java.util.Comparator;
import java.util.List;

/** Finds the pack's providers among everything Keycloak loaded, and whether a realm uses each. */
final class PackProviders {

    static final String PACK_PACKAGE = "io.keycloakguard.";

    private PackProviders() {
    }

    static List<PackProvider> in(KeycloakSessionFactory factory, RealmModel realm) {
        return factory.getSpis().stream()
                .flatMap(spi -> factory.getProviderFactoriesStream(spi.getProviderClass())
                        .filter(PackProviders::isPack)
                        .map(pf -> describe(spi, pf, realm)))
                .distinct()
                .sorted(Comparator.comparing(PackProvider::spi).thenComparing(PackProvider::id))
                .toList();
    }

    private static boolean isPack(ProviderFactory<?> factory) {
        return factory.getClass().getName().startsWith(PACK_PACKAGE);
    }

    private static PackProvider describe(Spi spi, ProviderFactory<?> factory, RealmModel realm) {
        String id = factory.getId();
        if (factory instanceof AuthenticatorFactory) {
            boolean inAFlow = realm.getAuthenticationFlowsStream()
                    .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                    .anyMatch(execution -> id.equals(execution.getAuthenticator()));
            return new PackProvider(spi.getName(), id, "realm", inAFlow);
        }
        if (factory instanceof EventListenerProviderFactory listener && !listener.isGlobal()) {
            boolean enabled = realm.getEventsListenersStream().anyMatch(id::equals);
            return new PackProvider(spi.getName(), id, "realm", enabled);
        }
        if (factory instanceof RequiredActionFactory) {
            RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(id);
            return new PackProvider(spi.getName(), id, "realm", action != null && action.isEnabled());
        }
        return new PackProvider(spi.getName(), id, "server", true);
    }
}
