package io.keycloakguard.core.redis;

import io.keycloakguard.core.config.OptionReader;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The pack's Redis connection settings, parsed and validated once at startup. Keys are the
 * property names of the {@code guard-redis} SPI's {@code default} provider, e.g.
 * {@code --spi-guard-redis--default--url} or {@code KC_SPI_GUARD_REDIS__DEFAULT__URL}.
 */
public record RedisSettings(
        RedisMode mode,
        List<HostPort> nodes,
        String sentinelMaster,
        String username,
        String password,
        int database,
        boolean tls,
        String keyPrefix,
        Duration connectTimeout,
        Duration socketTimeout,
        int poolMaxTotal,
        Duration healthCheckInterval,
        String tlsTrustStore,
        String tlsTrustStorePassword,
        boolean tlsVerifyHostname) {

    public static final String URL = "url";
    public static final String MODE = "mode";
    public static final String SENTINEL_MASTER = "sentinel-master";
    public static final String SENTINELS = "sentinels";
    public static final String CLUSTER_NODES = "cluster-nodes";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String DATABASE = "database";
    public static final String TLS = "tls";
    public static final String KEY_PREFIX = "key-prefix";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String SOCKET_TIMEOUT = "socket-timeout";
    public static final String POOL_MAX_TOTAL = "pool-max-total";
    public static final String HEALTH_CHECK_INTERVAL = "health-check-interval";
    public static final String TLS_TRUSTSTORE = "tls-truststore";
    public static final String TLS_TRUSTSTORE_PASSWORD = "tls-truststore-password";
    public static final String TLS_VERIFY_HOSTNAME = "tls-verify-hostname";

    /** Every option the provider reads, in the order the docs list them. */
    public static final List<String> OPTIONS = List.of(URL, MODE, SENTINEL_MASTER, SENTINELS, CLUSTER_NODES,
            USERNAME, PASSWORD, DATABASE, TLS, TLS_TRUSTSTORE, TLS_TRUSTSTORE_PASSWORD, TLS_VERIFY_HOSTNAME, KEY_PREFIX,
            CONNECT_TIMEOUT, SOCKET_TIMEOUT, POOL_MAX_TOTAL, HEALTH_CHECK_INTERVAL);

    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final String DEFAULT_KEY_PREFIX = "kcguard:";

    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    public static RedisSettings parse(OptionReader options) {
        RedisMode mode = options.choice(MODE, RedisMode.STANDALONE, RedisMode.class);

        List<HostPort> nodes;
        String sentinelMaster = null;
        String urlUser = null;
        String urlPassword = null;
        Integer urlDatabase = null;
        boolean urlTls = false;
        switch (mode) {
            case STANDALONE -> {
                String url = options.string(URL, DEFAULT_URL);
                URI uri = parseRedisUrl(options, url);
                nodes = List.of(new HostPort(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort()));
                urlTls = "rediss".equals(uri.getScheme());
                String userInfo = uri.getRawUserInfo();
                if (userInfo != null) {
                    int colon = userInfo.indexOf(':');
                    urlUser = colon < 0 ? null : decode(userInfo.substring(0, colon));
                    urlPassword = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
                    if (urlUser != null && urlUser.isEmpty()) {
                        urlUser = null;
                    }
                }
                String path = uri.getPath();
                if (path != null && path.length() > 1) {
                    try {
                        urlDatabase = Integer.parseInt(path.substring(1));
                    } catch (NumberFormatException e) {
                        throw options.invalid(URL, redact(url), "the path must be a database number, e.g. redis://host:6379/0");
                    }
                }
            }
            case SENTINEL -> {
                sentinelMaster = options.string(SENTINEL_MASTER, null);
                if (sentinelMaster == null) {
                    throw options.invalid(SENTINEL_MASTER, "", "must name the master when mode is sentinel");
                }
                nodes = hostPorts(options, SENTINELS, 26379);
            }
            case CLUSTER -> nodes = hostPorts(options, CLUSTER_NODES, 6379);
            default -> throw new IllegalStateException(mode.name());
        }

        String username = options.string(USERNAME, urlUser);
        String password = options.string(PASSWORD, urlPassword);
        int database = options.integer(DATABASE, urlDatabase == null ? 0 : urlDatabase, 0, 65535);
        if (mode == RedisMode.CLUSTER && database != 0) {
            throw options.invalid(DATABASE, String.valueOf(database), "Redis Cluster only has database 0");
        }
        boolean tls = options.bool(TLS, urlTls);
        String trustStore = options.string(TLS_TRUSTSTORE, null);
        String trustStorePassword = options.string(TLS_TRUSTSTORE_PASSWORD, null);
        boolean verifyHostname = options.bool(TLS_VERIFY_HOSTNAME, true);
        if (trustStore != null) {
            if (!tls) {
                throw options.invalid(TLS_TRUSTSTORE, trustStore, "is only used with TLS: set tls=true or use a rediss:// url");
            }
            if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(trustStore))) {
                throw options.invalid(TLS_TRUSTSTORE, trustStore, "must be a readable PKCS12 or JKS file");
            }
        }
        String keyPrefix = options.string(KEY_PREFIX, DEFAULT_KEY_PREFIX);
        Duration connectTimeout = options.duration(CONNECT_TIMEOUT, Duration.ofSeconds(2), Duration.ZERO);
        Duration socketTimeout = options.duration(SOCKET_TIMEOUT, Duration.ofSeconds(2), Duration.ZERO);
        int poolMaxTotal = options.integer(POOL_MAX_TOTAL, 16, 1, 10_000);
        Duration healthCheckInterval = options.duration(HEALTH_CHECK_INTERVAL, Duration.ofSeconds(5),
                Duration.ofMillis(100));
        return new RedisSettings(mode, nodes, sentinelMaster, username, password, database, tls, keyPrefix,
                connectTimeout, socketTimeout, poolMaxTotal, healthCheckInterval, trustStore, trustStorePassword,
                verifyHostname);
    }

    /** Where the pack connects, for logs and the status endpoint: never contains the password. */
    public String describeTarget() {
        String scheme = tls ? "rediss://" : "redis://";
        return switch (mode) {
            case STANDALONE -> scheme + nodes.get(0) + "/" + database + tlsNote(false);
            case SENTINEL -> "sentinel master '" + sentinelMaster + "' via " + nodes + tlsNote(true);
            case CLUSTER -> "cluster " + nodes + tlsNote(true);
        };
    }

    /** Only what differs from plain, verified TLS shows, so an operator sees a turned-off host name check. */
    private String tlsNote(boolean sayTls) {
        if (!tls) {
            return "";
        }
        if (!tlsVerifyHostname) {
            return " (TLS without host name verification)";
        }
        return sayTls ? " (TLS)" : "";
    }

    @Override
    public String toString() {
        // Records print every component; this one must never print the password.
        return "RedisSettings[" + describeTarget() + ", keyPrefix=" + keyPrefix + "]";
    }

    private static URI parseRedisUrl(OptionReader options, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw options.invalid(URL, redact(url), "not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw options.invalid(URL, redact(url), "must start with redis:// or rediss://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw options.invalid(URL, redact(url), "must name a host, e.g. redis://127.0.0.1:6379");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw options.invalid(URL, redact(url), "port must be between 1 and 65535");
        }
        return uri;
    }

    private static List<HostPort> hostPorts(OptionReader options, String key, int defaultPort) {
        List<String> entries = options.list(key);
        if (entries.isEmpty()) {
            throw options.invalid(key, "", "must list at least one host:port");
        }
        return entries.stream().map(entry -> hostPort(options, key, entry, defaultPort)).toList();
    }

    private static HostPort hostPort(OptionReader options, String key, String entry, int defaultPort) {
        String host = entry;
        int port = defaultPort;
        int colon = entry.lastIndexOf(':');
        boolean bracketed = entry.startsWith("[");
        if (bracketed) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw options.invalid(key, entry, "unbalanced [ in an IPv6 address");
            }
            host = entry.substring(1, close);
            colon = entry.indexOf(':', close);
        }
        if (colon > 0 && (bracketed || entry.indexOf(':') == colon)) {
            if (!bracketed) {
                host = entry.substring(0, colon);
            }
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw options.invalid(key, entry, "the port must be a number");
            }
        }
        if (host.isBlank() || port < 1 || port > 65535) {
            throw options.invalid(key, entry, "must be host:port with a port between 1 and 65535");
        }
        return new HostPort(host, port);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    static String redact(String url) {
        return url.replaceAll("//([^/@]*)@", "//***@");
    }
}
