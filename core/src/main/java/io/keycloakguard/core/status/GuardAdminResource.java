package io.keycloakguard.core.status;

import io.keycloakguard.core.compat.KeycloakCapabilities;
import io.keycloakguard.core.config.InvalidAuthenticatorConfigs;
import io.keycloakguard.core.outbox.OutboxBacklog;
import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.core.redis.RedisPing;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /admin/realms/{realm}/guard}: what operators ask the pack. */
public class GuardAdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;

    GuardAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
    }

    /** Version, the pack's providers and whether this realm uses them, and Redis reachability. */
    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> status() {
        auth.realm().requireViewRealm();

        Map<String, Object> status = new LinkedHashMap<>();
        status.put("pack", "keycloak-guard");
        status.put("version", PackVersion.get());
        status.put("realm", realm.getName());
        status.put("providers", PackProviders.in(session.getKeycloakSessionFactory(), realm));
        status.put("redis", redis());
        status.put("outbox", OutboxBacklog.of(session, realm.getId()));
        status.put("invalidConfigs", InvalidAuthenticatorConfigs.of(session, realm));
        status.put("compatibility", KeycloakCapabilities.current().status());
        return status;
    }

    private Map<String, Object> redis() {
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        Map<String, Object> result = new LinkedHashMap<>();
        RedisPing ping = redis.ping();
        result.put("reachable", ping.reachable());
        result.put("target", redis.settings().describeTarget());
        result.put("keyPrefix", redis.settings().keyPrefix());
        if (ping.reachable()) {
            result.put("roundTripMillis", ping.roundTripMillis());
        } else {
            result.put("error", ping.error());
        }
        return result;
    }
}
