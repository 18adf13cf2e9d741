package io.keycloakguard.core.rest;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/**
 * Mounts a pack resource at {@code /admin/realms/{realm}/<id>}: Keycloak has authenticated the admin and hands
 * the resource the realm's permission evaluator, which the resource asks before every answer. Stateless: the factory
 * is its own provider, and the subclass says only which resource serves the request.
 */
public abstract class GuardAdminRealmResourceFactory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider {

    private final String id;

    protected GuardAdminRealmResourceFactory(String id) {
        this.id = id;
    }

    @Override
    public final String getId() {
        return id;
    }

    @Override
    public final AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
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
