package io.keycloakguard.core.redis;

import io.keycloakguard.core.config.InvalidConfigurationException;
import io.keycloakguard.core.config.OptionReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TLS options (trust store, host name verification) and the errors an operator sees when TLS or the login fails. */
class RedisTlsSettingsTest {

    private static RedisSettings parse(Map<String, String> values) {
        return RedisSettings.parse(new OptionReader(values::get, RedisSettingsOptions::displayName));
    }

    private static String error(Map<String, String> values) {
        return assertThrows(InvalidConfigurationException.class, () -> parse(values)).getMessage();
    }

    @Test
    void hostNamesAreVerifiedWithTheJvmTrustStoreByDefault() {
        RedisSettings s = parse(Map.of("url", "rediss://redis.example:6380"));
        assertTrue(s.tlsVerifyHostname());
        assertNull(s.tlsTrustStore());
        assertEquals(SslVerifyMode.FULL, RedisConnector.sslOptions(s).getSslVerifyMode());
        assertEquals("rediss://redis.example:6380/0", s.describeTarget());
    }

    @Test
    void turningHostNameVerificationOffShowsInTheTarget() {
        RedisSettings s = parse(Map.of("url", "rediss://redis.example:6380", "tls-verify-hostname", "false"));
        assertFalse(s.tlsVerifyHostname());
        assertEquals(SslVerifyMode.CA, RedisConnector.sslOptions(s).getSslVerifyMode());
        assertTrue(s.describeTarget().endsWith("(TLS without host name verification)"), s.describeTarget());
    }

    @Test
    void readsATrustStoreAndKeepsItsPasswordOutOfToString(@TempDir Path dir) throws IOException {
        Path store = Files.writeString(dir.resolve("ca.p12"), "not parsed before the first connection");
        RedisSettings s = parse(Map.of("url", "rediss://redis.example", "tls-truststore", store.toString(),
                "tls-truststore-password", "store-secret"));
        assertEquals(store.toString(), s.tlsTrustStore());
        assertEquals("store-secret", s.tlsTrustStorePassword());
        assertFalse(s.toString().contains("store-secret"));
    }

    @Test
    void aTrustStoreWithoutTlsOrThatCannotBeReadStopsTheStart(@TempDir Path dir) throws IOException {
        Path store = Files.writeString(dir.resolve("ca.p12"), "x");
        assertTrue(error(Map.of("url", "redis://redis.example", "tls-truststore", store.toString()))
                .contains("only used with TLS"));
        String missing = error(Map.of("tls", "true", "tls-truststore", dir.resolve("nope.p12").toString()));
        assertTrue(missing.contains("spi-guard-redis--default--tls-truststore") && missing.contains("readable"), missing);
    }

    @Test
    void aRefusedPasswordSaysWhichOptionsToCheck() {
        String text = RedisAvailability.describe(new JedisAccessControlException(
                "WRONGPASS invalid username-password pair or user is disabled."));
        assertTrue(text.startsWith("Redis refused the user name or password (options username, password)"), text);
        assertTrue(RedisConnector.isRefusedLogin(new JedisAccessControlException("NOAUTH Authentication required.")));
        assertFalse(RedisConnector.isRefusedLogin(new JedisAccessControlException("NOPERM no permissions to run 'keys'")));
    }

    @Test
    void tlsFailuresSayWhatTheCertificateLacks() {
        String untrusted = RedisAvailability.describe(handshake(new CertificateException(
                "unable to find valid certification path to requested target")));
        assertTrue(untrusted.startsWith("TLS: Redis's certificate is not signed by a CA the pack trusts"), untrusted);
        String otherHost = RedisAvailability.describe(handshake(new CertificateException(
                "No subject alternative names matching IP address 127.0.0.1 found")));
        assertTrue(otherHost.startsWith("TLS: Redis's certificate does not name the host"), otherHost);
        assertTrue(otherHost.endsWith("No subject alternative names matching IP address 127.0.0.1 found"), otherHost);
        assertEquals("ConnectException: Connection refused",
                RedisAvailability.describe(new JedisConnectionException(new java.net.ConnectException("Connection refused"))));
    }

    private static JedisConnectionException handshake(Throwable cause) {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX or host name check failed");
        handshake.initCause(cause);
        return new JedisConnectionException(handshake);
    }
}
