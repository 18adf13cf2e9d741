package io.keycloakguard.sessionlimits.reservation;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/** The session limiter's table and its Liquibase changelog (changelog table DATABASECHANGELOG_GUARD_SESS). */
public class SessionLimitsJpaEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    public static final String ID = "guard-session-limits";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(SessionReservationEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/keycloak-guard-session-limits-changelog.xml";
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
                SessionReservations.forgetUser(removed.getKeycloakSession(), removed.getUser().getId());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                // The realm's users go in bulk, without a UserRemovedEvent each.
                SessionReservations.forgetRealm(removed.getKeycloakSession(), removed.getRealm().getId());
            }
        });
    }

    @Override
    public void close() {
    }
}
