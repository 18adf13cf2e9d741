package io.keycloakguard.authenticators.devices;

import jakarta.persistence.EntityManager;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/** Known devices and login history, with their Liquibase changelog; forgotten with the user and with the realm. */
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
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                forgetRealm(removed.getKeycloakSession(), removed.getRealm().getId());
            }
        });
    }

    /**
     * Keycloak deletes a realm's users in bulk, without a UserRemovedEvent each: the realm's devices and login
     * history (IP addresses) go here, in the realm removal's transaction.
     */
    private static void forgetRealm(KeycloakSession session, String realmId) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        em.createQuery("delete from KnownDeviceEntity d where d.realmId = :realmId")
                .setParameter("realmId", realmId).executeUpdate();
        em.createQuery("delete from LoginHistoryEntity h where h.realmId = :realmId")
                .setParameter("realmId", realmId).executeUpdate();
    }

    @Override
    public void close() {
    }
}
