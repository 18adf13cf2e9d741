package io.keycloakguard.core.jpa;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/**
 * A module's tables with Keycloak's JPA: the entities, their Liquibase changelog, and the rows of a user or realm
 * forgotten when Keycloak removes it. Keycloak deletes a realm's users in bulk, without a {@code UserRemovedEvent}
 * each, so every module says how to forget a whole realm too. Stateless: the factory is its own provider.
 */
public abstract class GuardEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    private final String id;
    private final String changelog;
    private final List<Class<?>> entities;

    protected GuardEntityProviderFactory(String id, String changelog, List<Class<?>> entities) {
        this.id = id;
        this.changelog = changelog;
        this.entities = List.copyOf(entities);
    }

    /** Deletes the module's rows of a user Keycloak removes, in the removal's transaction. */
    protected abstract void forgetUser(KeycloakSession session, String userId);

    /** Deletes the module's rows of a realm Keycloak removes, in the removal's transaction. */
    protected abstract void forgetRealm(KeycloakSession session, String realmId);

    @Override
    public final JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public final List<Class<?>> getEntities() {
        return entities;
    }

    @Override
    public final String getChangelogLocation() {
        return changelog;
    }

    @Override
    public final String getFactoryId() {
        return id;
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
        factory.register(event -> {
            if (event instanceof UserModel.UserRemovedEvent removed) {
                forgetUser(removed.getKeycloakSession(), removed.getUser().getId());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                forgetRealm(removed.getKeycloakSession(), removed.getRealm().getId());
            }
        });
    }

    @Override
    public void close() {
    }
}
