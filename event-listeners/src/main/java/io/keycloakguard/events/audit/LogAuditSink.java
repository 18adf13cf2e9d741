package io.keycloakguard.events.audit;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

import java.util.List;

/** Keycloak's log, category {@code io.keycloakguard.audit}: for setups that already ship the server log. */
final class LogAuditSink implements AuditSink {

    private static final Logger AUDIT = Logger.getLogger("io.keycloakguard.audit");

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void write(KeycloakSession session, String realmId, String realmName, List<ChainedRecord> records) {
        records.forEach(r -> AUDIT.info(r.json()));
    }
}
