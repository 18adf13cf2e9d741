package io.keycloakguard.authenticators.devices.rest;

import io.keycloakguard.core.rest.GuardAdminRealmResourceFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Mounts {@link DevicesAdminResource} at {@code /admin/realms/{realm}/guard-devices}. */
public class DevicesAdminResourceProviderFactory extends GuardAdminRealmResourceFactory {

    public static final String ID = "guard-devices";

    public DevicesAdminResourceProviderFactory() {
        super(ID);
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new DevicesAdminResource(session, realm, auth, adminEvent);
    }
}
