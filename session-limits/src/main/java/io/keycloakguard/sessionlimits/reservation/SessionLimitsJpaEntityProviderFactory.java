package io.keycloakguard.sessionlimits.reservation;

import io.keycloakguard.core.jpa.GuardEntityProviderFactory;
import org.keycloak.models.KeycloakSession;

import java.util.List;

/** The session limiter's table and its Liquibase changelog (changelog table DATABASECHANGELOG_GUARD_SESS). */
public class SessionLimitsJpaEntityProviderFactory extends GuardEntityProviderFactory {

    public static final String ID = "guard-session-limits";

    public SessionLimitsJpaEntityProviderFactory() {
        super(ID, "META-INF/keycloak-guard-session-limits-changelog.xml", List.of(SessionReservationEntity.class));
    }

    @Override
    protected void forgetUser(KeycloakSession session, String userId) {
        SessionReservations.forgetUser(session, userId);
    }

    @Override
    protected void forgetRealm(KeycloakSession session, String realmId) {
        SessionReservations.forgetRealm(session, realmId);
    }
}
