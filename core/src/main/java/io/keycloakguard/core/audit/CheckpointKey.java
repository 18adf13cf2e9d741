package io.keycloakguard.core.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Ed25519 key that signs audit checkpoints: the private key only on the server that signs (a PEM file
 * {@code openssl genpkey -algorithm ed25519} writes), the public key with whoever verifies (the PEM
 * {@code openssl pkey -pubout} writes). Its id is the SHA-256 hex of the public key's DER form
 * ({@code openssl pkey -pubin -in PUB.pem -outform DER | sha256sum}), so a verifier can tell keys apart after a
 * rotation. Nothing here ever prints or returns the private key: error messages name the file, never its content.
 */
public final class CheckpointKey {

    private static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String id;

    private CheckpointKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.id = idOf(publicKey);
    }

    /** The signing key from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}); its public key is derived. */
    public static CheckpointKey loadPrivate(Path pemFile) throws IOException {
        byte[] der = pem(pemFile, "PRIVATE KEY");
        try {
            PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
            return new CheckpointKey(key, publicOf(key));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(pemFile + " does not hold an Ed25519 private key in PKCS#8 form"
                    + " (openssl genpkey -algorithm ed25519 -out FILE)");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** A verifying key from an X.509 SubjectPublicKeyInfo PEM file ({@code -----BEGIN PUBLIC KEY-----}). */
    public static CheckpointKey loadPublic(Path pemFile) throws IOException {
        try {
            return ofPublic(pem(pemFile, "PUBLIC KEY"));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(pemFile + " does not hold an Ed25519 public key (openssl pkey -in KEY -pubout -out FILE)");
        }
    }

    /** A verifying key from the DER form of a public key. */
    public static CheckpointKey ofPublic(byte[] der) throws GeneralSecurityException {
        return new CheckpointKey(null, KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der)));
    }

    /** A new key pair (tests, and operators without openssl). */
    public static CheckpointKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            return new CheckpointKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PEM text of the public key, for the verifier. */
    public String publicPem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(publicKey.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** The PEM text of the private key, for writing a key file (tests, key generation); never logged. */
    public String privatePem() {
        if (privateKey == null) {
            throw new IllegalStateException("a verifying key has no private part");
        }
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(privateKey.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    public String id() {
        return id;
    }

    public boolean canSign() {
        return privateKey != null;
    }

    /** The signature (base64) of the UTF-8 bytes of {@code text}. */
    public String sign(String text) {
        if (privateKey == null) {
            throw new IllegalStateException("a verifying key cannot sign");
        }
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint: " + e.getMessage(), e);
        }
    }

    /** Whether {@code base64Signature} is this key's signature of {@code text}; false for anything malformed. */
    public boolean verify(String text, String base64Signature) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(publicKey);
            signature.update(text.getBytes(StandardCharsets.UTF_8));
            return signature.verify(Base64.getDecoder().decode(base64Signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Ed25519 key " + id;
    }

    private static String idOf(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Java has no API that derives an Ed25519 public key from a private one, but its key pair generator takes the
     * private key (the 32-byte seed) from the random source it is given: handing it the seed gives the pair.
     */
    private static PublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
        byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow(() -> new GeneralSecurityException("no key bytes"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            });
            KeyPair pair = generator.generateKeyPair();
            // Make sure the generator took our seed: sign with the loaded key, verify with the derived public key.
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(new byte[]{1, 2, 3});
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(pair.getPublic());
            verifier.update(new byte[]{1, 2, 3});
            if (!verifier.verify(sig)) {
                throw new GeneralSecurityException("cannot derive the public key");
            }
            return pair.getPublic();
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static byte[] pem(Path file, String label) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(file + " is not a PEM file with a '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the '" + begin + "' block is not base64");
        }
    }
}
