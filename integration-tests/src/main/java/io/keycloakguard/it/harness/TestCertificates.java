package io.keycloakguard.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificate authorities and server certificates made for one test run with the JDK's own {@code keytool} (no
 * OpenSSL, no BouncyCastle): RSA 2048 keys, valid for a few days. A CA is a PKCS12 keystore with its certificate also
 * in PEM; a server certificate is a PEM certificate signed by a CA, with the subject alternative names the test
 * chooses, and its private key as unencrypted PKCS#8 PEM (what {@code redis-server}'s {@code tls-key-file} reads).
 */
public final class TestCertificates {

    private static final String PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A fresh directory {@code it-work/certs-<name>} for the files. */
    public static TestCertificates in(String name) {
        Path dir = Settings.workDir().toAbsolutePath().resolve("certs-" + name);
        try {
            DistributionKeycloak.deleteTree(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestCertificates(dir);
    }

    /** A certificate authority: its keystore (to sign with) and its certificate in PEM (what clients trust). */
    public record Authority(String name, Path keystore, Path certificate) {
    }

    /** A server certificate (PEM) and its private key (PKCS#8 PEM). */
    public record ServerCertificate(String name, Path certificate, Path privateKey) {
    }

    public Authority authority(String name) {
        Path keystore = dir.resolve(name + "-ca.p12");
        Path pem = dir.resolve(name + "-ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name + " test CA",
                "-ext", "bc:c", "-validity", "7", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        return new Authority(name, keystore, pem);
    }

    /**
     * A server certificate signed by {@code ca} for the given subject alternative names in keytool's syntax, e.g.
     * {@code ip:127.0.0.1}, {@code dns:localhost}.
     */
    public ServerCertificate issue(Authority ca, String name, String... subjectAltNames) {
        Path keystore = dir.resolve(name + ".p12");
        Path request = dir.resolve(name + ".csr");
        Path certificate = dir.resolve(name + ".pem");
        Path privateKey = dir.resolve(name + ".key");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name,
                "-validity", "7", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-certreq", "-alias", "server", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", request.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.keystore().toString(), "-storepass", PASSWORD,
                "-infile", request.toString(), "-outfile", certificate.toString(), "-rfc", "-validity", "7",
                "-ext", "san=" + String.join(",", subjectAltNames), "-ext", "eku=serverAuth",
                "-ext", "ku=digitalSignature,keyEncipherment");
        writePrivateKey(keystore, privateKey);
        return new ServerCertificate(name, certificate, privateKey);
    }

    /** A PKCS12 trust store holding the CA's certificate, protected by {@code password}. */
    public Path pkcs12TrustStore(Authority ca, String password) {
        Path store = dir.resolve(ca.name() + "-truststore.p12");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", ca.certificate().toString(),
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", password);
        return store;
    }

    private static void writePrivateKey(Path keystore, Path target) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            Key key = store.getKey("server", PASSWORD.toCharArray());
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
            Files.writeString(target, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read the key of " + keystore, e);
        }
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
