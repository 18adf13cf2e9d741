package io.keycloakguard.core.redis;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** Names and help texts of the {@code guard-redis} options, as Keycloak and the docs show them. */
final class RedisSettingsOptions {

    static final String OPTION_PREFIX = "spi-" + GuardRedisSpi.NAME + "--" + DefaultRedisConnectionProviderFactory.PROVIDER_ID + "--";

    private RedisSettingsOptions() {
    }

    static String displayName(String key) {
        return OPTION_PREFIX + key;
    }

    static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(RedisSettings.URL).type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue(RedisSettings.DEFAULT_URL)
                .helpText("Standalone Redis: redis://[user:password@]host:port[/database], or rediss:// for TLS.")
                .add()
                .property().name(RedisSettings.MODE).type(ProviderConfigProperty.LIST_TYPE)
                .options("standalone", "sentinel", "cluster").defaultValue("standalone")
                .helpText("standalone (uses url), sentinel (uses sentinel-master and sentinels) or cluster (uses cluster-nodes).")
                .add()
                .property().name(RedisSettings.SENTINEL_MASTER).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Sentinel mode: the name of the monitored master.")
                .add()
                .property().name(RedisSettings.SENTINELS).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Sentinel mode: comma-separated host:port of the sentinels (port defaults to 26379).")
                .add()
                .property().name(RedisSettings.CLUSTER_NODES).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Cluster mode: comma-separated host:port seed nodes (port defaults to 6379).")
                .add()
                .property().name(RedisSettings.USERNAME).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("ACL user name; overrides the one in url.")
                .add()
                .property().name(RedisSettings.PASSWORD).type(ProviderConfigProperty.PASSWORD)
                .helpText("Password; overrides the one in url. Never logged.")
                .add()
                .property().name(RedisSettings.DATABASE).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("0")
                .helpText("Database number (standalone and sentinel); overrides the one in url.")
                .add()
                .property().name(RedisSettings.TLS).type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("Use TLS; the JVM's trust store verifies the server unless tls-truststore is set. rediss:// in url turns it on too.")
                .add()
                .property().name(RedisSettings.TLS_TRUSTSTORE).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("TLS: a PKCS12 (or .jks) file with the CA certificates that may sign Redis's certificate, instead of the JVM's trust store.")
                .add()
                .property().name(RedisSettings.TLS_TRUSTSTORE_PASSWORD).type(ProviderConfigProperty.PASSWORD)
                .helpText("TLS: the password of tls-truststore. Never logged.")
                .add()
                .property().name(RedisSettings.TLS_VERIFY_HOSTNAME).type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
                .helpText("TLS: Redis's certificate must name the host the pack connects to (url's host, the addresses sentinels and cluster nodes announce). Turn off only for a certificate without those names.")
                .add()
                .property().name(RedisSettings.KEY_PREFIX).type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue(RedisSettings.DEFAULT_KEY_PREFIX)
                .helpText("Prefix of every key the pack reads or writes, so several deployments can share one Redis.")
                .add()
                .property().name(RedisSettings.CONNECT_TIMEOUT).type(ProviderConfigProperty.STRING_TYPE).defaultValue("2s")
                .helpText("How long to wait for a connection: milliseconds, or with a unit (500ms, 2s).")
                .add()
                .property().name(RedisSettings.SOCKET_TIMEOUT).type(ProviderConfigProperty.STRING_TYPE).defaultValue("2s")
                .helpText("How long to wait for an answer: milliseconds, or with a unit (500ms, 2s).")
                .add()
                .property().name(RedisSettings.POOL_MAX_TOTAL).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("16")
                .helpText("Most connections per Keycloak node.")
                .add()
                .property().name(RedisSettings.HEALTH_CHECK_INTERVAL).type(ProviderConfigProperty.STRING_TYPE).defaultValue("5s")
                .helpText("How often the pack pings Redis to notice an outage or a recovery.")
                .add()
                .build();
    }
}
