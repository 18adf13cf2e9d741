package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.AuditChain;
import io.keycloakguard.core.audit.AuditVerifier;
import io.keycloakguard.core.audit.CanonicalJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileAuditSinkTest {

    private static List<AuditSink.ChainedRecord> chain(String realm, int count) {
        List<AuditSink.ChainedRecord> records = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 1; i <= count; i++) {
            Map<String, Object> r = new TreeMap<>();
            r.put("realmId", realm);
            r.put("type", "LOGIN");
            r.put("details", Map.of("padding", "x".repeat(200)));
            Map<String, Object> linked = AuditChain.link(r, i, prev);
            prev = (String) linked.get("hash");
            records.add(new AuditSink.ChainedRecord(i, CanonicalJson.write(linked)));
        }
        return records;
    }

    @Test
    void rotatesBySizeAndTheRotatedFilesVerifyAsOneChain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        FileAuditSink sink = new FileAuditSink(file, 1024, 3);
        List<AuditSink.ChainedRecord> records = chain("r1", 20);
        for (int i = 0; i < 20; i += 2) {
            sink.write(null, "r1", "demo", records.subList(i, i + 2));
        }
        assertTrue(Files.exists(Path.of(file + ".1")) && Files.exists(Path.of(file + ".3")), "rotated");
        assertTrue(!Files.exists(Path.of(file + ".4")), "at most 3 rotated files kept");
        AuditVerifier.Result result = AuditVerifier.verify(AuditVerifier.readFiles(file), false);
        assertTrue(result.intact(), result.toString());
        assertEquals(20, result.heads().get("r1").lastSeq());
    }

    @Test
    void aRestartedSinkDoesNotWriteRecordsItAlreadyHas(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        List<AuditSink.ChainedRecord> records = chain("r1", 6);
        new FileAuditSink(file, 1 << 20, 3).write(null, "r1", "demo", records.subList(0, 4));
        // As after a crash between writing and moving the cursor: records 3..6 come again to a new instance.
        FileAuditSink restarted = new FileAuditSink(file, 1 << 20, 3);
        restarted.write(null, "r1", "demo", records.subList(2, 6));
        restarted.write(null, "r1", "demo", records.subList(5, 6));
        List<String> lines = Files.readAllLines(file);
        assertEquals(6, lines.size());
        assertTrue(AuditVerifier.verify(AuditVerifier.readFiles(file), true).intact());
    }

    @Test
    void aTornLastLineIsLeftAloneAndTheNextRecordStartsOnANewLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        List<AuditSink.ChainedRecord> records = chain("r1", 3);
        new FileAuditSink(file, 1 << 20, 3).write(null, "r1", "demo", records.subList(0, 1));
        String torn = records.get(1).json().substring(0, 40);
        Files.writeString(file, torn, java.nio.file.StandardOpenOption.APPEND);
        new FileAuditSink(file, 1 << 20, 3).write(null, "r1", "demo", records.subList(1, 3));
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(records.get(0).json(), torn, records.get(1).json(), records.get(2).json()), lines);
        AuditVerifier.Result result = AuditVerifier.verify(AuditVerifier.readFiles(file), false);
        assertTrue(!result.intact() && result.problem().contains("JSON"), "the torn line is reported: " + result);
    }
}
