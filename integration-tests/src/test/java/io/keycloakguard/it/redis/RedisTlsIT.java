package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.TestCertificates;
import io.keycloakguard.it.harness.TlsRedis;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import io.keycloakguard.revocation.contract.RevocationKeys;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pack on a Redis that speaks only TLS (a CA and server certificates made by the test) to an ACL user with a
 * password, trusting the CA through the {@code tls-truststore} option. Then, one after the other, the server side
 * goes wrong the way operators get it wrong: the user's password changes, the server presents a certificate of
 * another CA, a certificate for another host name. Each time the status endpoint ({@code redis.error}, master admin)
 * and Keycloak's log say what is wrong, logins go on (the pack degrades as documented for a Redis outage), and the
 * revocations committed meanwhile are delivered once the server side is fixed, without restarting Keycloak. The Java
 * revocation client follows the feed over TLS too.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RedisTlsIT {

    static final String USER = "guard";
    static final String SECRET = "Redis-secret-42";
    static final String TRUST_PASSWORD = "trust-42";

    @Test
    void misconfiguredTlsIsReportedAndNothingIsLostOnceFixed(GuardEnvironment env) throws Exception {
        assumeTrue(TlsRedis.available(), "needs redis-server on the PATH");
        TestCertificates certs = TestCertificates.in("redis-tls");
        TestCertificates.Authority ca = certs.authority("redis");
        TestCertificates.ServerCertificate good = certs.issue(ca, "redis-good", "ip:127.0.0.1", "dns:localhost");
        TestCertificates.ServerCertificate otherHost = certs.issue(ca, "redis-other-host", "dns:redis.other.example");
        TestCertificates.Authority rogue = certs.authority("rogue");
        TestCertificates.ServerCertificate untrusted = certs.issue(rogue, "redis-untrusted", "ip:127.0.0.1", "dns:localhost");
        Path trustStore = certs.pkcs12TrustStore(ca, TRUST_PASSWORD);
        String prefix = "kcguard-tls-" + UUID.randomUUID().toString().substring(0, 6) + ":";

        try (TlsRedis redis = TlsRedis.start("it", good, ca)) {
            redis.setUser(USER, SECRET, "~*", "&*", "+@all");
            KeycloakOptions options = KeycloakOptions.defaults("redis-tls", env.database(),
                            "rediss://127.0.0.1:" + redis.tlsPort(), prefix)
                    .withExtraArgs("--spi-guard-redis--default--username=" + USER,
                            "--spi-guard-redis--default--password=" + SECRET,
                            "--spi-guard-redis--default--tls-truststore=" + trustStore,
                            "--spi-guard-redis--default--tls-truststore-password=" + TRUST_PASSWORD,
                            "--spi-guard-outbox-sink--revocation--reconcile-interval=2s",
                            "--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.1");
            try (DistributionKeycloak kc = DistributionKeycloak.startScratch(options);
                 RedisClient reader = tlsClient(redis, trustStore)) {
                TopologyRealm realm = TopologyRealm.create(KeycloakAdmin.of(kc), "tls");
                RevocationKeys keys = realm.feedKeys(prefix);
                JsonPath status = realm.status();
                assertEquals(Boolean.TRUE, status.get("redis.reachable"), "over TLS: " + status.prettify());
                String user = realm.newUser("t");

                try (RevocationClient client = RevocationClient.builder(reader, realm.name).keyPrefix(prefix)
                        .pollBlock(Duration.ofMillis(200)).start()) {
                    assertTrue(client.awaitReady(Duration.ofSeconds(30)), "the revocation client loads the feed over TLS");
                    List<String> committed = new ArrayList<>(List.of(loginAndLogout(realm, kc, user)));
                    awaitDelivered(redis, client, keys, committed);

                    fault(realm, kc, redis, "a changed password", "Redis refused the user name or password",
                            () -> {
                                redis.setUser(USER, "Changed-secret-43", "~*", "&*", "+@all");
                                redis.disconnect(USER);
                            },
                            () -> redis.setUser(USER, SECRET, "~*", "&*", "+@all"),
                            user, committed);
                    awaitDelivered(redis, client, keys, committed);

                    fault(realm, kc, redis, "a certificate of another CA",
                            "Redis's certificate is not signed by a CA the pack trusts",
                            () -> redis.useCertificate(untrusted, USER),
                            () -> redis.useCertificate(good, USER),
                            user, committed);
                    awaitDelivered(redis, client, keys, committed);

                    fault(realm, kc, redis, "a certificate for another host name",
                            "Redis's certificate does not name the host the pack connects to",
                            () -> redis.useCertificate(otherHost, USER),
                            () -> redis.useCertificate(good, USER),
                            user, committed);
                    awaitDelivered(redis, client, keys, committed);
                    System.out.printf("[tls] committed %d revocations, %d delivered%n", committed.size(),
                            committed.stream().filter(s -> client.isInFeed(Map.of("sid", s))).count());
                }
            }
        }
    }

    /**
     * Breaks the server side, waits until the status endpoint and the log say {@code expected}, logs in and out twice
     * meanwhile, fixes it and waits until the pack reaches Redis again.
     */
    private static void fault(TopologyRealm realm, DistributionKeycloak kc, TlsRedis redis, String what, String expected,
                              Runnable breakIt, Runnable fixIt, String user, List<String> committed) {
        breakIt.run();
        String[] error = new String[1];
        Await.until(() -> {
            JsonPath status = realm.status();
            error[0] = status.getString("redis.error");
            return Boolean.FALSE.equals(status.get("redis.reachable")) && error[0] != null && error[0].contains(expected);
        }, Duration.ofSeconds(60), "the status endpoint reports " + what + " (" + expected + "), last error: " + error[0]);
        System.out.printf("[tls] %s: status redis.error = %s%n", what, error[0]);
        Await.until(() -> kc.log().contains(expected), Duration.ofSeconds(30), "Keycloak's log says " + expected);
        committed.add(loginAndLogout(realm, kc, user));
        committed.add(loginAndLogout(realm, kc, user));
        fixIt.run();
        Await.until(() -> Boolean.TRUE.equals(realm.status().get("redis.reachable")), Duration.ofSeconds(60),
                "the pack reaches Redis again once " + what + " is fixed");
    }

    /** A login through the rate-limited client and its logout, both answered normally; the session id. */
    private static String loginAndLogout(TopologyRealm realm, DistributionKeycloak kc, String user) {
        Response login = realm.passwordGrant(kc.baseUrl(), TopologyRealm.APP, TopologyRealm.newAddress(), user,
                TopologyRealm.PASSWORD);
        assertEquals(200, login.statusCode(), "login: " + login.asString());
        Map<String, Object> tokens = login.as(Map.class);
        assertEquals(204, realm.logout(kc.baseUrl(), TopologyRealm.APP, tokens.get("refresh_token")), "logout");
        return (String) Tokens.claims((String) tokens.get("access_token")).get("sid");
    }

    private static void awaitDelivered(TlsRedis redis, RevocationClient client, RevocationKeys keys, List<String> sessions) {
        try (Jedis admin = redis.admin()) {
            Await.until(() -> sessions.stream().allMatch(s -> admin.hexists(keys.records(), "session:" + s)),
                    Duration.ofSeconds(60), "every committed revocation is in the feed");
        }
        Await.until(() -> sessions.stream().allMatch(s -> client.isInFeed(Map.of("sid", s))),
                Duration.ofSeconds(60), "the revocation client (over TLS) has every committed revocation");
    }

    /** The Java revocation client's connection: TLS with the CA's trust store and host name verification. */
    private static RedisClient tlsClient(TlsRedis redis, Path trustStore) {
        return RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.tlsPort()))
                .clientConfig(DefaultJedisClientConfig.builder().user(USER).password(SECRET)
                        .sslOptions(SslOptions.builder().truststore(trustStore.toFile(), TRUST_PASSWORD.toCharArray())
                                .trustStoreType("PKCS12").sslVerifyMode(SslVerifyMode.FULL).build())
                        .build())
                .build();
    }
}
