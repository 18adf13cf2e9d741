package io.keycloakguard.authenticators.devices;

import io.keycloakguard.core.jpa.GuardEntityProviderFactory;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.util.List;

/** Known devices and login history, with their Liquibase changelog; forgotten with the user and with the realm. */
public class DevicesJpaEntityProviderFactory extends GuardEntityProviderFactory {

    public static final String ID = "guard-devices";

    public DevicesJpaEntityProviderFactory() {
        super(ID, "META-INF/keycloak-guard-devices-changelog.xml", List.of(KnownDeviceEntity.class, LoginHistoryEntity.class));
    }

    @Override
    protected void forgetUser(KeycloakSession session, String userId) {
        KnownDevices.forgetUser(session, userId);
    }

    /** The realm's devices and login history (IP addresses) go in the realm removal's transaction. */
    @Override
    protected void forgetRealm(KeycloakSession session, String realmId) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        em.createQuery("delete from KnownDeviceEntity d where d.realmId = :realmId")
                .setParameter("realmId", realmId).executeUpdate();
        em.createQuery("delete from LoginHistoryEntity h where h.realmId = :realmId")
                .setParameter("realmId", realmId).executeUpdate();
    }
}
