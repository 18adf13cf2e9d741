package io.keycloakguard.core.status;

import io.keycloakguard.core.compat.KeycloakCapabilities;
import io.keycloakguard.core.config.InvalidAuthenticatorConfigs;
import io.keycloakguard.core.net.ProxyHeaders;
import io.keycloakguard.core.outbox.OutboxBacklog;
import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.core.redis.RedisPing;
import io.keycloakguard.core.revocation.RevocationFeedStatus;
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
        status.put("redis", redis(ServerScope.visibleTo(session, auth)));
        status.put("outbox", OutboxBacklog.of(session, realm.getId()));
        status.put("revocationFeed", RevocationFeedStatus.of(session, realm));
        status.put("invalidConfigs", InvalidAuthenticatorConfigs.of(session, realm));
        status.put("configWarnings", InvalidAuthenticatorConfigs.warnings(session, realm));
        status.put("compatibility", KeycloakCapabilities.current().status());
        status.put("brokerLogout", BrokerLogoutStatus.of(session));
        status.put("proxy", proxy());
        addSections(status);
        return status;
    }

    /** Which forwarding headers Keycloak takes client addresses from: every IP decision of the pack depends on it. */
    private Map<String, Object> proxy() {
        return ProxyHeaders.current().describe();
    }

    /** Sections of pack providers outside core (e.g. the per-IP rate limit's). */
    private void addSections(Map<String, Object> status) {
        session.getKeycloakSessionFactory().getSpis().stream()
                .flatMap(spi -> session.getKeycloakSessionFactory().getProviderFactoriesStream(spi.getProviderClass()))
                .filter(StatusSection.class::isInstance).map(StatusSection.class::cast).distinct()
                .forEach(section -> status.put(section.statusSection(), section.status(session, realm)));
    }

    /**
     * Whether Redis answers, for every admin of the realm; where it is (host, port, database, sentinels, cluster
     * nodes), the key prefix, how full it is against its maxmemory (when full, the revocation feed cannot be written)
     * and the error text only with {@code serverScope} ({@link ServerScope}).
     */
    private Map<String, Object> redis(boolean serverScope) {
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        Map<String, Object> result = new LinkedHashMap<>();
        RedisPing ping = redis.ping();
        result.put("reachable", ping.reachable());
        if (ping.reachable()) {
            result.put("roundTripMillis", ping.roundTripMillis());
        }
        if (serverScope) {
            result.put("target", redis.settings().describeTarget());
            result.put("keyPrefix", redis.settings().keyPrefix());
            if (ping.reachable()) {
                result.put("memory", RedisMemory.of(redis));
            } else {
                result.put("error", ping.error());
            }
        }
        return result;
    }
}
