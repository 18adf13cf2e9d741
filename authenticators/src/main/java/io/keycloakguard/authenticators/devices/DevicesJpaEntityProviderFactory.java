package io.keycloakguard.authenticators.devices;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserModel;

import java.util.List;

/** Known devices and login history, with their Liquibase changelog; forgotten with the user. */
public class DevicesJpaEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    public static final String ID = "guard-devices";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(KnownDeviceEntity.class, LoginHistoryEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/keycloak-guard-devices-changelog.xml";
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
                KnownDevices.forgetUser(removed.getKeycloakSession(), removed.getUser().getId());
            }
        });
    }

    @Override
    public void close() {
    }
}
