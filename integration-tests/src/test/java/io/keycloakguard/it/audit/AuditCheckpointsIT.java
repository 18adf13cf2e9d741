package io.keycloakguard.it.audit;

import io.keycloakguard.core.audit.AuditChain;
import io.keycloakguard.core.audit.CanonicalJson;
import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Signed audit checkpoints end to end, on a Keycloak of its own whose {@code guard-audit} listener writes the file,
 * the Redis stream, Keycloak's log and an off-host checkpoint file, and signs a checkpoint every 5 records or 2 s
 * with an Ed25519 key from a file outside the audit directories. The verifier command, given only the public key,
 * passes on the real trail and reports the newest records truncated beyond one checkpoint window, an edit with
 * every hash recomputed after it, and a deleted checkpoint; the private key is in none of the places the trail goes.
 */
@ExtendWith(KeycloakGuardExtension.class)
class AuditCheckpointsIT {

    static final String INTERVAL = "2s";
    static final int EVERY = 5;
    static final int LOGINS = 12;

    static DistributionKeycloak keycloak;
    static KeycloakAdmin admin;
    static AuditRealm realm;
    static Path workDir;
    static Path file;
    static Path offHost;
    static Path publicKey;
    static byte[] privateDer;

    @BeforeAll
    static void start(GuardEnvironment env) throws Exception {
        assumeTrue(env.keycloak() instanceof DistributionKeycloak, "needs the distribution backend");
        workDir = KeycloakOptions.auditFile().getParent().getParent();
        for (String dir : List.of("audit-checkpoints", "audit-checkpoints-offhost", "audit-checkpoints-key")) {
            AuditRealm.deleteTree(workDir.resolve(dir));
            Files.createDirectories(workDir.resolve(dir));
        }
        file = workDir.resolve("audit-checkpoints").resolve("guard-audit.jsonl");
        offHost = workDir.resolve("audit-checkpoints-offhost").resolve("checkpoints.jsonl");
        // The key pair as an operator makes it (openssl genpkey -algorithm ed25519): PKCS#8 and X.509 PEM files.
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        privateDer = pair.getPrivate().getEncoded();
        Path privateKey = workDir.resolve("audit-checkpoints-key").resolve("audit-key.pem");
        publicKey = workDir.resolve("audit-checkpoints-key").resolve("audit-pub.pem");
        Files.writeString(privateKey, pem("PRIVATE KEY", privateDer));
        Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));

        KeycloakOptions options = KeycloakOptions.defaults("audit-checkpoints", env.database(), env.redis().url(),
                env.keyPrefix()).withExtraArgs(
                "--spi-events-listener--guard-audit--file-path=" + file,
                "--spi-events-listener--guard-audit--log=true",
                "--spi-events-listener--guard-audit--checkpoint-key-file=" + privateKey,
                "--spi-events-listener--guard-audit--checkpoint-records=" + EVERY,
                "--spi-events-listener--guard-audit--checkpoint-interval=" + INTERVAL,
                "--spi-events-listener--guard-audit--checkpoint-file=" + offHost);
        keycloak = DistributionKeycloak.startScratch(options);
        admin = KeycloakAdmin.of(keycloak);
        realm = AuditRealm.create(env, admin, "checkpoints");
        String userId = realm.createUser("cp");
        String username = realm.username(userId);
        // Logins spread over several checkpoint intervals, so that the trail spans more than one window.
        for (int i = 0; i < LOGINS; i++) {
            Tokens.passwordGrantResponse(keycloak.baseUrl(), realm.name, AuditRealm.CLIENT, username, AuditRealm.PASSWORD)
                    .then().statusCode(200);
            Thread.sleep(700);
        }
        Await.until(() -> realmLines().stream().filter(l -> l.contains("\"type\":\"LOGIN\"")).count() == LOGINS,
                Duration.ofSeconds(60), "the file holds the " + LOGINS + " logins");
    }

    @AfterAll
    static void stop() throws IOException {
        if (realm != null) {
            realm.delete();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    /** The realm's lines in the file, oldest first. */
    static List<String> realmLines() {
        return AuditRealm.allFileLines(file).stream().filter(l -> l.contains("\"realmId\":\"" + realm.id + "\"")).toList();
    }

    static boolean isCheckpoint(String line) {
        return line.contains("\"kind\":\"checkpoint\"");
    }

    static long timeOf(String line) {
        return ((Number) AuditRealm.parse(line).get("time")).longValue();
    }

    /**
     * The realm's lines up to the first signed checkpoint after the last login, once the file holds it: a trail as it
     * stands right after a checkpoint, the same whenever a test reads it.
     */
    static List<String> trailEndingInACheckpoint() {
        List<List<String>> found = new ArrayList<>();
        Await.until(() -> {
            List<String> lines = realmLines();
            int lastLogin = lines.size() - 1;
            while (lastLogin >= 0 && !lines.get(lastLogin).contains("\"type\":\"LOGIN\"")) {
                lastLogin--;
            }
            for (int i = lastLogin + 1; lastLogin >= 0 && i < lines.size(); i++) {
                if (isCheckpoint(lines.get(i))) {
                    found.add(lines.subList(0, i + 1));
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(60), "the audit file holds a signed checkpoint after the realm's last login");
        return found.get(0);
    }

    static AuditRealm.Verification verify(GuardEnvironment env, List<String> options, Path trail) {
        List<String> args = new ArrayList<>(List.of("--public-key", publicKey.toString()));
        args.addAll(options);
        args.addAll(List.of("file", trail.toString()));
        return AuditRealm.run(env, args);
    }

    static Path write(Path dir, String name, List<String> lines) throws IOException {
        Path copy = dir.resolve(name + ".jsonl");
        Files.write(copy, lines, StandardCharsets.UTF_8);
        return copy;
    }

    static void assertReported(String what, AuditRealm.Verification check, String... words) {
        assertEquals(1, check.exitCode(), what + " is reported: " + check.output());
        assertTrue(check.output().startsWith("BROKEN"), what + ": " + check.output());
        for (String word : words) {
            assertTrue(check.output().contains(word), what + " (" + word + "): " + check.output());
        }
    }

    /** {@code --now} the trail's last checkpoint, a grace of 2 s: the checks do not depend on how fast this machine is. */
    static List<String> at(List<String> trail) {
        return List.of("--now", String.valueOf(timeOf(trail.get(trail.size() - 1))), "--grace", "2s");
    }

    @Test
    void theRealTrailVerifiesWithThePublicKey(GuardEnvironment env) {
        List<String> trail = trailEndingInACheckpoint();
        assertTrue(trail.stream().filter(AuditCheckpointsIT::isCheckpoint).count() >= LOGINS / EVERY,
                "checkpoints every " + EVERY + " records or " + INTERVAL + ": " + trail.size() + " lines");
        // The whole file at the current time, with the off-host checkpoints: OK.
        AuditRealm.Verification fileCheck = verify(env, List.of("--checkpoints", offHost.toString()), file);
        assertEquals(0, fileCheck.exitCode(), fileCheck.output());
        assertTrue(fileCheck.output().startsWith("OK") && fileCheck.output().contains("signed checkpoints verified"),
                fileCheck.output());
        // The stream holds the same checkpoints.
        AuditRealm.Verification streamCheck = AuditRealm.run(env, List.of("--public-key", publicKey.toString(), "redis",
                env.redis().url(), realm.streamKey()));
        assertEquals(0, streamCheck.exitCode(), streamCheck.output());
        assertTrue(realm.streamLines().stream().anyMatch(AuditCheckpointsIT::isCheckpoint), "checkpoints in the stream");
        // The status endpoint names the key; the suite's Keycloak, which has none, says that checkpoints are off.
        assertEquals(Boolean.TRUE, admin.request().get("/admin/realms/{realm}/guard/status", realm.name).then()
                .statusCode(200).extract().path("auditCheckpoints.enabled"));
        Map<String, Object> off = env.admin().request().get("/admin/realms/{realm}/guard/status", "guard-demo").then()
                .statusCode(200).extract().path("auditCheckpoints");
        assertEquals(Boolean.FALSE, off.get("enabled"), "the suite's Keycloak: " + off);
        assertTrue(String.valueOf(off.get("message")).contains("checkpoints are off"), "the suite's Keycloak: " + off);
        // The off-host file holds checkpoints only.
        List<String> offHostLines = AuditRealm.allFileLines(offHost);
        assertFalse(offHostLines.isEmpty(), "the off-host checkpoint file");
        assertTrue(offHostLines.stream().allMatch(AuditCheckpointsIT::isCheckpoint), "only checkpoints: " + offHostLines);
    }

    @Test
    void truncatingTheNewestRecordsBeyondOneCheckpointWindowIsReported(GuardEnvironment env, @TempDir Path dir)
            throws IOException {
        List<String> trail = trailEndingInACheckpoint();
        long end = timeOf(trail.get(trail.size() - 1));
        // Keep only what is older than one window (2 s interval + 2 s grace) and a margin before the end: the newest
        // logins and checkpoints go.
        List<String> truncated = trail.stream().takeWhile(l -> timeOf(l) < end - 6_000).toList();
        List<String> cut = trail.subList(truncated.size(), trail.size());
        assertTrue(truncated.stream().anyMatch(AuditCheckpointsIT::isCheckpoint)
                && cut.stream().anyMatch(l -> l.contains("\"type\":\"LOGIN\"")), "a cut of " + cut.size() + " of "
                + trail.size() + " lines, logins among them");
        AuditRealm.Verification intact = verify(env, at(trail), write(dir, "intact", trail));
        assertEquals(0, intact.exitCode(), "the untouched trail at the same time: " + intact.output());
        assertReported("the truncation", verify(env, at(trail), write(dir, "truncated", truncated)), "truncated",
                "realm " + realm.id);
    }

    @Test
    void anEditWithEveryHashRecomputedIsReported(GuardEnvironment env, @TempDir Path dir) throws IOException {
        List<String> trail = trailEndingInACheckpoint();
        int login = 0;
        while (!trail.get(login).contains("\"type\":\"LOGIN\"")) {
            login++;
        }
        List<String> edited = new ArrayList<>(trail);
        edited.set(login, trail.get(login).replaceFirst("\"outcome\":\"success\"", "\"outcome\":\"error\""));
        List<String> rewritten = recomputeFrom(edited, login);
        AuditRealm.Verification unkeyed = AuditRealm.run(env, List.of("file", write(dir, "unkeyed", rewritten).toString()));
        assertEquals(0, unkeyed.exitCode(), "the hash chain alone cannot see it: " + unkeyed.output());
        assertReported("the rewrite", verify(env, at(trail), write(dir, "rewritten", rewritten)), "rewritten",
                "realm " + realm.id);
    }

    @Test
    void aDeletedCheckpointIsReported(GuardEnvironment env, @TempDir Path dir) throws IOException {
        List<String> trail = trailEndingInACheckpoint();
        int checkpoint = 0;
        while (!isCheckpoint(trail.get(checkpoint))) {
            checkpoint++;
        }
        assertTrue(checkpoint < trail.size() - 1, "a checkpoint before the last");
        List<String> deleted = new ArrayList<>(trail);
        deleted.remove(checkpoint);
        assertReported("a deleted checkpoint", verify(env, at(trail), write(dir, "deleted", deleted)), "deleted");
        // Deleted, and every later record re-numbered and re-hashed: the next checkpoint gives it away.
        List<String> renumbered = recomputeFrom(deleted, checkpoint);
        AuditRealm.Verification check = verify(env, at(trail), write(dir, "renumbered", renumbered));
        assertReported("a deleted checkpoint with the rest re-hashed", check);
        assertTrue(check.output().contains("rewritten") || check.output().contains("deleted"), check.output());
    }

    @Test
    void thePrivateKeyIsNowhereTheTrailGoes(GuardEnvironment env) throws Exception {
        trailEndingInACheckpoint();
        List<String> forms = secretForms();
        Map<String, String> places = new java.util.LinkedHashMap<>();
        places.put("the audit file", String.join("\n", AuditRealm.allFileLines(file)));
        places.put("the off-host checkpoint file", String.join("\n", AuditRealm.allFileLines(offHost)));
        try (RedisClient redis = RedisClient.create(env.redis().url())) {
            places.put("the Redis stream", redis.xrange(realm.streamKey(), "-", "+").stream()
                    .map(StreamEntry::getFields).map(Map::toString).reduce("", String::concat));
        }
        places.put("the records table (query endpoint)", admin.request().queryParam("max", 1000)
                .get("/admin/realms/{realm}/guard-audit/records", realm.name).then().statusCode(200).extract().asString());
        places.put("the chain table (chain endpoint)", admin.request()
                .get("/admin/realms/{realm}/guard-audit/chain", realm.name).then().statusCode(200).extract().asString());
        places.put("the status endpoint", admin.request()
                .get("/admin/realms/{realm}/guard/status", realm.name).then().statusCode(200).extract().asString());
        places.put("Keycloak's log", keycloak.log());
        Path suiteLog = workDir.resolve("keycloak-it.log");
        if (Files.exists(suiteLog)) {
            places.put("the suite Keycloak's log", Files.readString(suiteLog, StandardCharsets.ISO_8859_1));
        }
        assertTrue(places.get("the audit file").contains("\"signature\""), "the file holds signed checkpoints");
        assertTrue(places.get("Keycloak's log").contains("GUARD_CHECKPOINT"), "the log sink wrote checkpoints");
        for (Map.Entry<String, String> place : places.entrySet()) {
            for (String form : forms) {
                assertFalse(place.getValue().contains(form), "private key material in " + place.getKey());
            }
        }
        // The database files themselves (H2: every table, the outbox and the audit tables included), byte by byte.
        Path h2 = workDir.resolve("audit-checkpoints-h2");
        if (Files.isDirectory(h2)) {
            byte[] seed = Arrays.copyOfRange(privateDer, privateDer.length - 32, privateDer.length);
            try (Stream<Path> files = Files.walk(h2)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    byte[] bytes = Files.readAllBytes(f);
                    assertFalse(indexOf(bytes, seed) >= 0, "the private key's bytes in " + f);
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    for (String form : forms) {
                        assertFalse(text.contains(form), "private key material in " + f);
                    }
                }
            }
        }
    }

    /** The private key as it could be written: PEM body and lines, DER and seed in hex and base64. */
    static List<String> secretForms() {
        byte[] seed = Arrays.copyOfRange(privateDer, privateDer.length - 32, privateDer.length);
        List<String> forms = new ArrayList<>();
        String body = Base64.getEncoder().encodeToString(privateDer);
        forms.add(body);
        forms.addAll(List.of(pem("PRIVATE KEY", privateDer).split("\n")).subList(1, 2));
        forms.add(HexFormat.of().formatHex(privateDer));
        forms.add(HexFormat.of().formatHex(seed));
        forms.add(HexFormat.of().formatHex(seed).toUpperCase(Locale.ROOT));
        forms.add(Base64.getEncoder().withoutPadding().encodeToString(seed));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(seed));
        return forms;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * From line {@code from} on: seq renumbered to follow its predecessor, prev and hash recomputed with the
     * published algorithm (SHA-256 hex of prev + the canonical record without hash): what anyone who can write the
     * file can do.
     */
    static List<String> recomputeFrom(List<String> lines, int from) {
        List<String> out = new ArrayList<>(lines.subList(0, from));
        Map<String, Object> first = CanonicalJson.parse(lines.get(from == 0 ? 0 : from - 1));
        String prev = (String) (from == 0 ? first.get("prev") : first.get("hash"));
        long seq = from == 0 ? (Long) first.get("seq") : (Long) first.get("seq") + 1;
        for (String line : lines.subList(from, lines.size())) {
            Map<String, Object> linked = AuditChain.link(CanonicalJson.parse(line), seq++, prev);
            prev = (String) linked.get("hash");
            out.add(CanonicalJson.write(linked));
        }
        return out;
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
