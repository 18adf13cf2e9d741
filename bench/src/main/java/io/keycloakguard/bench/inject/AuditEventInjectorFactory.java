package io.keycloakguard.bench.inject;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Bench-only provider (never in the bundle): mounts {@link AuditEventInjector} at
 * {@code /admin/realms/{realm}/guard-bench-events}, so the audit benchmark can feed events through Keycloak's own
 * {@code EventBuilder} and the realm's listeners faster than HTTP logins on two cores can.
 */
public class AuditEventInjectorFactory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider {

    @Override
    public String getId() {
        return "guard-bench-events";
    }

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        auth.realm().requireManageEvents();
        return new AuditEventInjector(session, realm);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
