package io.keycloakguard.core.rest;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

import java.util.function.Function;

/**
 * Serves a pack resource under {@code /realms/{realm}/<id>}, made per request from the session; the resource checks
 * its own caller (bearer token, audience, roles). Nothing to initialise or close.
 */
public abstract class GuardRealmResourceFactory implements RealmResourceProviderFactory {

    private final String id;
    private final Function<KeycloakSession, Object> resource;

    protected GuardRealmResourceFactory(String id, Function<KeycloakSession, Object> resource) {
        this.id = id;
        this.resource = resource;
    }

    @Override
    public final RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return resource.apply(session);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public final String getId() {
        return id;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
