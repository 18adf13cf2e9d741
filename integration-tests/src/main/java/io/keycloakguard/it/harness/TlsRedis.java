package io.keycloakguard.it.harness;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis-server} from the PATH that speaks TLS on one loopback port with a certificate of
 * {@link TestCertificates} (clients are not asked for one: they log in as an ACL user with a password), and plain
 * TCP on another port for the test's own administration as the {@code default} user. The certificate and the users'
 * passwords change at run time ({@code CONFIG SET}, {@code ACL SETUSER}), as an operator would fix the server side,
 * without losing data.
 */
public final class TlsRedis implements AutoCloseable {

    private final Path dir;
    private final int plainPort;
    private final int tlsPort;
    private final Process process;

    private TlsRedis(Path dir, int plainPort, int tlsPort, Process process) {
        this.dir = dir;
        this.plainPort = plainPort;
        this.tlsPort = tlsPort;
        this.process = process;
    }

    public static boolean available() {
        return RedisServers.onPath("redis-server");
    }

    /** Starts with {@code certificate}; {@code authority} is the CA Redis itself trusts (for its replicas' links). */
    public static TlsRedis start(String name, TestCertificates.ServerCertificate certificate,
                                 TestCertificates.Authority authority) {
        Path dir = Settings.workDir().toAbsolutePath().resolve("redis-tls-" + name);
        int plain = FreePorts.next();
        int tls = FreePorts.next();
        try {
            DistributionKeycloak.deleteTree(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(RedisServers.dataNode(plain, dir));
        args.addAll(List.of("--tls-port", String.valueOf(tls),
                "--tls-cert-file", certificate.certificate().toString(),
                "--tls-key-file", certificate.privateKey().toString(),
                "--tls-ca-cert-file", authority.certificate().toString(),
                "--tls-auth-clients", "no"));
        TlsRedis redis = new TlsRedis(dir, plain, tls, RedisServers.launch(dir, plain, args));
        try {
            FreePorts.awaitListening(plain, true, "redis (plain)");
            FreePorts.awaitListening(tls, true, "redis (TLS)");
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The plain-TCP port, for the test's own reads and writes. */
    public int plainPort() {
        return plainPort;
    }

    /** The test's administrative connection over plain TCP (the caller closes it). */
    public Jedis admin() {
        return new Jedis("127.0.0.1", plainPort, 2000);
    }

    /** {@code ACL SETUSER user on >password rules…}: creates the user or replaces its passwords and rules. */
    public void setUser(String user, String password, String... rules) {
        List<String> args = new ArrayList<>(List.of("reset", "on", ">" + password));
        args.addAll(List.of(rules));
        try (Jedis j = admin()) {
            j.aclSetUser(user, args.toArray(String[]::new));
        }
    }

    /**
     * Serves {@code certificate} to every new TLS connection from now on, and closes {@code user}'s connections so that
     * its clients connect again (as after a restart of Redis or a network blip) and meet the new certificate.
     */
    public void useCertificate(TestCertificates.ServerCertificate certificate, String user) {
        try (Jedis j = admin()) {
            j.configSet("tls-cert-file", certificate.certificate().toString(),
                    "tls-key-file", certificate.privateKey().toString());
        }
        disconnect(user);
    }

    /** Closes every connection of an ACL user. */
    public void disconnect(String user) {
        try (Jedis j = admin()) {
            j.clientKill(ClientKillParams.clientKillParams().user(user));
        }
    }

    @Override
    public void close() {
        RedisServers.stop(process);
    }

    @Override
    public String toString() {
        return "TLS redis-server on 127.0.0.1:" + tlsPort + " (plain " + plainPort + ", " + dir + ")";
    }
}
