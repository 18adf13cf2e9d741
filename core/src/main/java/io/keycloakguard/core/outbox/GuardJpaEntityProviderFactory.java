package io.keycloakguard.core.outbox;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import io.keycloakguard.core.lock.UserLocks;

import java.util.List;

/** Registers the pack's tables with Keycloak's JPA and its Liquibase changelog. */
public class GuardJpaEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    public static final String ID = "keycloak-guard";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(GuardOutboxEntity.class, io.keycloakguard.core.lock.GuardUserLockEntity.class,
                io.keycloakguard.core.revocation.GuardRevocationEntity.class,
                io.keycloakguard.core.audit.GuardAuditRecordEntity.class, io.keycloakguard.core.audit.GuardAuditCursorEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/keycloak-guard-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return ID;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserRemovedEvent removed) {
                UserLocks.forget(removed.getKeycloakSession(), removed.getUser().getId());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                UserLocks.forgetRealm(removed.getKeycloakSession(), removed.getRealm().getId());
            }
        });
    }

    @Override
    public void close() {
    }
}
