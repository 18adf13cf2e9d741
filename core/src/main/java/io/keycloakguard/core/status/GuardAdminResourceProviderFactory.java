package io.keycloakguard.core.status;

import io.keycloakguard.core.compat.KeycloakCapabilities;
import io.keycloakguard.core.rest.GuardAdminRealmResourceFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Mounts the pack's admin API at {@code /admin/realms/{realm}/guard}. */
public class GuardAdminResourceProviderFactory extends GuardAdminRealmResourceFactory {

    public static final String ID = "guard";

    public GuardAdminResourceProviderFactory() {
        super(ID);
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new GuardAdminResource(session, realm, auth);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Once per start, whichever realm uses the pack: what this Keycloak lacks and what the pack does instead.
        KeycloakCapabilities.logAtStartUp();
    }
}
