package io.keycloakguard.events.audit;

import io.keycloakguard.core.rest.GuardAdminRealmResourceFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Mounts {@link AuditAdminResource} at {@code /admin/realms/{realm}/guard-audit}. */
public class AuditAdminResourceProviderFactory extends GuardAdminRealmResourceFactory {

    public static final String ID = "guard-audit";

    public AuditAdminResourceProviderFactory() {
        super(ID);
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new AuditAdminResource(session, realm, auth);
    }
}
