package io.keycloakguard.core.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed checkpoints and what the verifier proves with them, on trails built as the pack builds them. */
class AuditCheckpointsTest {

    static final long T0 = 1_700_000_000_000L;
    static final Duration INTERVAL = Duration.ofSeconds(10);
    static final int EVERY = 3;

    final CheckpointKey key = CheckpointKey.generate();

    /**
     * A realm's trail as the server writes it: one record a second, a checkpoint after every {@link #EVERY}
     * records; returns the lines and leaves the time of the last one in {@code end[0]}.
     */
    List<AuditVerifier.Line> trail(String realm, int records) {
        List<AuditVerifier.Line> lines = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        long seq = 0;
        long cpSeq = 0;
        String cpHash = AuditChain.GENESIS;
        for (int i = 0; i < records; i++) {
            Map<String, Object> record = new TreeMap<>();
            record.put("realmId", realm);
            record.put("kind", "user");
            record.put("type", "LOGIN");
            record.put("outcome", "success");
            record.put("time", T0 + i * 1000L);
            Map<String, Object> linked = AuditChain.link(record, ++seq, prev);
            prev = (String) linked.get("hash");
            lines.add(new AuditVerifier.Line(realm + ":" + seq, CanonicalJson.write(linked)));
            if (seq - cpSeq >= EVERY || i == records - 1) {
                Map<String, Object> cp = AuditCheckpoints.record(key, realm, "demo", seq, prev, T0 + i * 1000L + 1,
                        cpSeq, cpHash, EVERY, INTERVAL);
                linked = AuditChain.link(cp, ++seq, prev);
                prev = (String) linked.get("hash");
                cpSeq = seq;
                cpHash = prev;
                lines.add(new AuditVerifier.Line(realm + ":" + seq, CanonicalJson.write(linked)));
            }
        }
        return lines;
    }

    static long timeOf(AuditVerifier.Line line) {
        return (Long) CanonicalJson.parse(line.text()).get("time");
    }

    static boolean isCheckpoint(AuditVerifier.Line line) {
        return AuditCheckpoints.isCheckpoint(CanonicalJson.parse(line.text()));
    }

    AuditVerifier.CheckpointPolicy policyAt(long now) {
        return AuditVerifier.CheckpointPolicy.of(List.of(publicOnly(key)), now).withGrace(Duration.ofSeconds(2));
    }

    static CheckpointKey publicOnly(CheckpointKey key) {
        try {
            return CheckpointKey.ofPublic(java.util.Base64.getMimeDecoder().decode(key.publicPem()
                    .replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Every record's hash recomputed from the first one on, as someone who can write the file would. */
    static List<AuditVerifier.Line> recomputed(List<AuditVerifier.Line> lines) {
        List<AuditVerifier.Line> out = new ArrayList<>();
        String prev = null;
        long seq = 0;
        for (AuditVerifier.Line line : lines) {
            Map<String, Object> record = CanonicalJson.parse(line.text());
            if (prev == null) {
                prev = (String) record.get("prev");
                seq = (Long) record.get("seq");
            } else {
                seq++;
            }
            Map<String, Object> linked = AuditChain.link(record, seq, prev);
            prev = (String) linked.get("hash");
            out.add(new AuditVerifier.Line(line.where(), CanonicalJson.write(linked)));
        }
        return out;
    }

    @Test
    void anIntactTrailVerifies() {
        List<AuditVerifier.Line> lines = trail("a", 10);
        long end = timeOf(lines.get(lines.size() - 1));
        AuditVerifier.Result result = AuditVerifier.verify(lines, true, policyAt(end + 5_000));
        assertTrue(result.intact(), result.toString());
        assertTrue(result.toString().contains("signed checkpoints verified"), result.toString());
        // Without a key: only the chain, and the output says what that leaves out.
        AuditVerifier.Result unkeyed = AuditVerifier.verify(lines, true);
        assertTrue(unkeyed.intact());
        assertTrue(unkeyed.toString().contains("checkpoints not verified"), unkeyed.toString());
    }

    @Test
    void truncationBeyondTheLastCheckpointWindowIsReported() {
        List<AuditVerifier.Line> lines = trail("a", 30);
        long end = timeOf(lines.get(lines.size() - 1));
        // Cut the newest records back to a point more than one window (10 s + 2 s grace) before the end.
        int cut = lines.size();
        while (timeOf(lines.get(cut - 1)) > end - 15_000) {
            cut--;
        }
        List<AuditVerifier.Line> truncated = lines.subList(0, cut);
        assertTrue(AuditVerifier.verify(truncated, true).intact(), "the unkeyed chain does not see it");
        AuditVerifier.Result result = AuditVerifier.verify(truncated, true, policyAt(end));
        assertFalse(result.intact());
        assertTrue(result.problem().contains("truncated"), result.toString());
    }

    @Test
    void truncationWithinTheLastWindowIsNotDetectable() {
        List<AuditVerifier.Line> lines = trail("a", 10);
        long end = timeOf(lines.get(lines.size() - 1));
        List<AuditVerifier.Line> truncated = lines.subList(0, lines.size() - 2);
        assertTrue(AuditVerifier.verify(truncated, true, policyAt(end)).intact(), "documented: the last window is open");
    }

    @Test
    void anEditWithEveryHashRecomputedIsReported() {
        List<AuditVerifier.Line> lines = new ArrayList<>(trail("a", 10));
        lines.set(1, new AuditVerifier.Line("a:2", lines.get(1).text().replace("\"LOGIN\"", "\"LOGOUT\"")));
        List<AuditVerifier.Line> rewritten = recomputed(lines);
        assertTrue(AuditVerifier.verify(rewritten, true).intact(), "the unkeyed chain does not see it");
        long end = timeOf(lines.get(lines.size() - 1));
        AuditVerifier.Result result = AuditVerifier.verify(rewritten, true, policyAt(end));
        assertFalse(result.intact());
        assertTrue(result.problem().contains("rewritten"), result.toString());
    }

    @Test
    void aDeletedCheckpointIsReportedWithOrWithoutRecomputedHashes() {
        List<AuditVerifier.Line> lines = trail("a", 10);
        long end = timeOf(lines.get(lines.size() - 1));
        int checkpoint = 0;
        while (!isCheckpoint(lines.get(checkpoint))) {
            checkpoint++;
        }
        List<AuditVerifier.Line> deleted = new ArrayList<>(lines);
        deleted.remove(checkpoint);
        AuditVerifier.Result plain = AuditVerifier.verify(deleted, true, policyAt(end));
        assertFalse(plain.intact());
        assertTrue(plain.problem().contains("deleted"), plain.toString());

        AuditVerifier.Result renumbered = AuditVerifier.verify(recomputed(deleted), true, policyAt(end));
        assertFalse(renumbered.intact());
        assertTrue(renumbered.problem().contains("rewritten") || renumbered.problem().contains("deleted"),
                renumbered.toString());

    }

    @Test
    void anAlteredOrForeignCheckpointIsReported() {
        List<AuditVerifier.Line> lines = new ArrayList<>(trail("a", 4));
        long end = timeOf(lines.get(lines.size() - 1));
        int checkpoint = 0;
        while (!isCheckpoint(lines.get(checkpoint))) {
            checkpoint++;
        }
        // Its signed time changed, hashes recomputed: the signature fails.
        List<AuditVerifier.Line> altered = new ArrayList<>(lines);
        Map<String, Object> cp = CanonicalJson.parse(lines.get(checkpoint).text());
        @SuppressWarnings("unchecked")
        Map<String, Object> statement = (Map<String, Object>) cp.get("checkpoint");
        statement.put("time", (Long) statement.get("time") + 60_000);
        altered.set(checkpoint, new AuditVerifier.Line("x", CanonicalJson.write(cp)));
        AuditVerifier.Result result = AuditVerifier.verify(recomputed(altered), true, policyAt(end));
        assertFalse(result.intact());
        assertTrue(result.problem().contains("signature"), result.toString());

        // A trail signed with another key.
        AuditVerifier.Result foreign = AuditVerifier.verify(lines, true,
                AuditVerifier.CheckpointPolicy.of(List.of(CheckpointKey.generate()), end));
        assertFalse(foreign.intact());
        assertTrue(foreign.problem().contains("not one of the keys"), foreign.toString());
    }

    @Test
    void tooManyRecordsAfterTheLastCheckpointAreReported() {
        List<AuditVerifier.Line> lines = trail("a", 5);
        long end = timeOf(lines.get(lines.size() - 1));
        AuditVerifier.Result result = AuditVerifier.verify(lines, true, policyAt(end).withInterval(null, 1L));
        assertTrue(result.intact(), "the last record is a checkpoint: " + result);
        List<AuditVerifier.Line> more = new ArrayList<>(lines.subList(0, lines.size() - 1));
        result = AuditVerifier.verify(more, true, policyAt(end).withInterval(null, 1L));
        assertFalse(result.intact());
        assertTrue(result.problem().contains("records after the newest checkpoint"), result.toString());
    }

    @Test
    void offHostCheckpointsRevealATruncationInsideTheWindow() {
        List<AuditVerifier.Line> lines = trail("a", 10);
        long end = timeOf(lines.get(lines.size() - 1));
        List<AuditVerifier.Line> offHost = lines.stream().filter(AuditCheckpointsTest::isCheckpoint).toList();
        List<AuditVerifier.Line> truncated = lines.subList(0, lines.size() - 2);
        assertTrue(AuditVerifier.verify(lines, true, policyAt(end).withOffHost(offHost)).intact());
        AuditVerifier.Result result = AuditVerifier.verify(truncated, true, policyAt(end).withOffHost(offHost));
        assertFalse(result.intact());
        assertTrue(result.problem().contains("beyond the trail's last record"), result.toString());
    }

    @Test
    void aRealmWithoutCheckpointsOlderThanAWindowIsReported() {
        List<AuditVerifier.Line> lines = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 1; i <= 3; i++) {
            Map<String, Object> linked = AuditChain.link(Map.of("realmId", "b", "time", T0), i, prev);
            prev = (String) linked.get("hash");
            lines.add(new AuditVerifier.Line("b:" + i, CanonicalJson.write(linked)));
        }
        AuditVerifier.Result result = AuditVerifier.verify(lines, true, policyAt(T0 + 3_600_000));
        assertFalse(result.intact());
        assertTrue(result.problem().contains("no signed checkpoint"), result.toString());
        assertTrue(AuditVerifier.verify(lines, true, policyAt(T0 + 1000)).intact(), "fresh records wait for their first one");
    }

    @Test
    void keysRoundTripThroughPemFilesAndNeverShowTheirSecret(@TempDir Path dir) throws IOException {
        Path privateFile = dir.resolve("audit-key.pem");
        Path publicFile = dir.resolve("audit-pub.pem");
        Files.writeString(privateFile, key.privatePem());
        Files.writeString(publicFile, key.publicPem());
        CheckpointKey loaded = CheckpointKey.loadPrivate(privateFile);
        CheckpointKey verifying = CheckpointKey.loadPublic(publicFile);
        assertEquals(key.id(), loaded.id(), "the public key is derived from the private one");
        assertEquals(key.id(), verifying.id());
        assertFalse(verifying.canSign());
        String signature = loaded.sign("statement");
        assertTrue(verifying.verify("statement", signature));
        assertFalse(verifying.verify("statement2", signature));
        assertFalse(verifying.verify("statement", "not base64!"));
        assertFalse(key.toString().contains(key.privatePem().split("\n")[1]));

        Files.writeString(dir.resolve("bad.pem"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n");
        IOException bad = assertThrows(IOException.class, () -> CheckpointKey.loadPrivate(dir.resolve("bad.pem")));
        assertFalse(bad.getMessage().contains("c2VjcmV0LWJ5dGVz"), bad.getMessage());
        assertThrows(IOException.class, () -> CheckpointKey.loadPrivate(publicFile));
    }

    @Test
    void aKeyOpensslGeneratedLoads(@TempDir Path dir) throws Exception {
        Path privateFile = dir.resolve("k.pem");
        Path publicFile = dir.resolve("p.pem");
        try {
            Process gen = new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", privateFile.toString())
                    .redirectErrorStream(true).start();
            org.junit.jupiter.api.Assumptions.assumeTrue(gen.waitFor() == 0, "openssl genpkey ed25519");
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no openssl: " + e.getMessage());
        }
        Process pub = new ProcessBuilder("openssl", "pkey", "-in", privateFile.toString(), "-pubout", "-out",
                publicFile.toString()).redirectErrorStream(true).start();
        assertEquals(0, pub.waitFor(), new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        CheckpointKey signing = CheckpointKey.loadPrivate(privateFile);
        CheckpointKey verifying = CheckpointKey.loadPublic(publicFile);
        assertEquals(verifying.id(), signing.id());
        assertTrue(verifying.verify("x", signing.sign("x")));
    }
}
