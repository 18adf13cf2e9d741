package io.keycloakguard.core.outbox;

import io.keycloakguard.core.audit.GuardAuditCursorEntity;
import io.keycloakguard.core.audit.GuardAuditRecordEntity;
import io.keycloakguard.core.jpa.GuardEntityProviderFactory;
import io.keycloakguard.core.lock.GuardUserLockEntity;
import io.keycloakguard.core.lock.UserLocks;
import io.keycloakguard.core.revocation.GuardRevocationEntity;
import org.keycloak.models.KeycloakSession;

import java.util.List;

/** Core's tables (outbox, user locks, revocations, audit records and cursors) and their Liquibase changelog. */
public class GuardJpaEntityProviderFactory extends GuardEntityProviderFactory {

    public static final String ID = "keycloak-guard";

    public GuardJpaEntityProviderFactory() {
        super(ID, "META-INF/keycloak-guard-changelog.xml", List.of(GuardOutboxEntity.class, GuardUserLockEntity.class,
                GuardRevocationEntity.class, GuardAuditRecordEntity.class, GuardAuditCursorEntity.class));
    }

    @Override
    protected void forgetUser(KeycloakSession session, String userId) {
        UserLocks.forget(session, userId);
    }

    @Override
    protected void forgetRealm(KeycloakSession session, String realmId) {
        UserLocks.forgetRealm(session, realmId);
    }
}
