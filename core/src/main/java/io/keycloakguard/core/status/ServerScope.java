package io.keycloakguard.core.status;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * Who may see the server's infrastructure in a realm's status (where Redis is, its database, sentinels and cluster
 * nodes, the key prefix, error texts, memory figures): the server's admins, i.e. admins of the master realm who may
 * view the master realm itself. An admin of any other realm (view-realm there) sees only what concerns that realm:
 * one realm's admin must not learn where the infrastructure every realm shares lives.
 */
final class ServerScope {

    private ServerScope() {
    }

    static boolean visibleTo(KeycloakSession session, AdminPermissionEvaluator auth) {
        AdminAuth admin = auth.adminAuth();
        RealmModel callerRealm = admin == null ? null : admin.getRealm();
        if (callerRealm == null || !Config.getAdminRealm().equals(callerRealm.getName())) {
            return false;
        }
        return AdminPermissions.evaluator(session, callerRealm, admin).realm().canViewRealm();
    }
}
