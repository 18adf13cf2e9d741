package io.keycloakguard.core.audit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditVerifierTest {

    private static List<AuditVerifier.Line> chain(String realm, int count, long firstSeq, String prev) {
        List<AuditVerifier.Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> record = new TreeMap<>();
            record.put("realmId", realm);
            record.put("type", "LOGIN");
            record.put("time", 1_700_000_000_000L + i);
            record.put("details", Map.of("username", "ann \"the\" admin\n", "ü", "ß"));
            Map<String, Object> linked = AuditChain.link(record, firstSeq + i, prev);
            prev = (String) linked.get("hash");
            lines.add(new AuditVerifier.Line(realm + ":" + (i + 1), CanonicalJson.write(linked)));
        }
        return lines;
    }

    @Test
    void canonicalJsonSortsKeysAndRoundTrips() {
        String json = CanonicalJson.write(Map.of("b", 1L, "a", List.of("x", true), "c", Map.of("z", "\u0001", "y", "é")));
        assertEquals("{\"a\":[\"x\",true],\"b\":1,\"c\":{\"y\":\"é\",\"z\":\"\\u0001\"}}", json);
        assertEquals(json, CanonicalJson.write(CanonicalJson.parse(json)));
    }

    @Test
    void intactChainsOfTwoRealmsInterleavedPass() {
        List<AuditVerifier.Line> a = chain("a", 5, 1, AuditChain.GENESIS);
        List<AuditVerifier.Line> b = chain("b", 3, 1, AuditChain.GENESIS);
        List<AuditVerifier.Line> all = new ArrayList<>(a);
        all.add(1, b.get(0));
        all.add(4, b.get(1));
        all.add(b.get(2));
        AuditVerifier.Result result = AuditVerifier.verify(all, true);
        assertTrue(result.intact(), result.toString());
        assertEquals(8, result.checked());
        assertEquals(5, result.heads().get("a").lastSeq());
    }

    @Test
    void aWindowStartingAfterGenesisPassesUnlessGenesisIsRequired() {
        List<AuditVerifier.Line> lines = chain("a", 6, 1, AuditChain.GENESIS).subList(2, 6);
        assertTrue(AuditVerifier.verify(lines, false).intact());
        assertFalse(AuditVerifier.verify(lines, true).intact());
    }

    @Test
    void editDeleteInsertAndReorderAreDetected() {
        List<AuditVerifier.Line> lines = chain("a", 6, 1, AuditChain.GENESIS);

        List<AuditVerifier.Line> edited = new ArrayList<>(lines);
        edited.set(2, new AuditVerifier.Line("edit", lines.get(2).text().replace("LOGIN", "LOGOUT")));
        assertBrokenAt(edited, "edit", "edited");

        List<AuditVerifier.Line> deleted = new ArrayList<>(lines);
        deleted.remove(3);
        assertBrokenAt(deleted, "a:5", "deleted");

        // An inserted record that carries a correct hash of its own content still breaks the chain.
        Map<String, Object> forged = CanonicalJson.parse(lines.get(2).text());
        forged.put("type", "LOGIN_ERROR");
        forged.put("hash", AuditChain.hashOf(forged));
        List<AuditVerifier.Line> inserted = new ArrayList<>(lines);
        inserted.add(3, new AuditVerifier.Line("insert", CanonicalJson.write(forged)));
        assertBrokenAt(inserted, "insert", "inserted");

        List<AuditVerifier.Line> reordered = new ArrayList<>(lines);
        reordered.set(1, lines.get(2));
        reordered.set(2, lines.get(1));
        assertBrokenAt(reordered, "a:3", "deleted");
    }

    @Test
    void notCanonicalOrNotJsonIsReported() {
        List<AuditVerifier.Line> lines = new ArrayList<>(chain("a", 2, 1, AuditChain.GENESIS));
        lines.set(1, new AuditVerifier.Line("spaced", lines.get(1).text().replace(",", ", ")));
        assertBrokenAt(lines, "spaced", "canonical");
        lines.set(1, new AuditVerifier.Line("garbage", "{not json"));
        assertBrokenAt(lines, "garbage", "JSON");
    }

    private static void assertBrokenAt(List<AuditVerifier.Line> lines, String where, String problemWord) {
        AuditVerifier.Result result = AuditVerifier.verify(lines, false);
        assertFalse(result.intact(), "should be broken: " + result);
        assertEquals(where, result.brokenAt(), result.toString());
        assertTrue(result.problem().contains(problemWord), result.toString());
    }
}
