package io.keycloakguard.core.audit;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Walks audit records in the order they were written and reports the first broken link of any realm's
 * chain: a record whose hash does not match its content (edited), a gap in seq (deleted), a repeated or
 * decreasing seq (inserted, reordered), or a {@code prev} that is not the previous record's hash.
 *
 * <pre>
 * java -cp keycloak-guard-VERSION.jar io.keycloakguard.core.audit.AuditVerifier file /var/log/keycloak/guard-audit.jsonl
 * java -cp keycloak-guard-VERSION.jar io.keycloakguard.core.audit.AuditVerifier redis redis://host:6379 'guard:audit:{REALM_ID}'
 * </pre>
 * A file argument also reads its rotated predecessors ({@code NAME.N} … {@code NAME.1}) first. Exit code 0:
 * every chain intact; 1: a broken link (printed); 2: the input could not be read.
 */
public final class AuditVerifier {

    /** Where a line came from, for the report: a file and line number, or a stream entry id. */
    public record Line(String where, String text) {
    }

    /** The first broken link, or none; and per realm the first and last seq and the last hash seen. */
    public record Result(int checked, String brokenAt, String problem, Map<String, Head> heads) {

        public boolean intact() {
            return problem == null;
        }

        @Override
        public String toString() {
            return intact() ? "OK: " + checked + " records, chains " + heads
                    : "BROKEN at " + brokenAt + ": " + problem + " (after " + checked + " intact records)";
        }
    }

    public record Head(long firstSeq, long lastSeq, String lastHash) {
    }

    private AuditVerifier() {
    }

    public static Result verify(List<Line> lines, boolean requireGenesis) {
        Map<String, Head> heads = new TreeMap<>();
        int checked = 0;
        for (Line line : lines) {
            String problem = check(line.text(), heads, requireGenesis);
            if (problem != null) {
                return new Result(checked, line.where(), problem, heads);
            }
            checked++;
        }
        return new Result(checked, null, null, heads);
    }

    private static String check(String text, Map<String, Head> heads, boolean requireGenesis) {
        Map<String, Object> record;
        try {
            record = CanonicalJson.parse(text);
        } catch (RuntimeException e) {
            return "not a JSON object (" + e.getMessage() + ")";
        }
        if (!(record.get("seq") instanceof Long seq) || !(record.get("prev") instanceof String prev)
                || !(record.get("hash") instanceof String hash) || !(record.get("realmId") instanceof String realm)) {
            return "not a chained audit record (seq, prev, hash or realmId missing)";
        }
        if (!CanonicalJson.write(record).equals(text)) {
            return "realm " + realm + " seq " + seq + ": not in canonical form (the line was re-formatted or edited)";
        }
        if (!AuditChain.hashOf(record).equals(hash)) {
            return "realm " + realm + " seq " + seq + ": hash does not match the record's content (edited)";
        }
        Head head = heads.get(realm);
        if (head == null) {
            if (requireGenesis && (seq != 1 || !AuditChain.GENESIS.equals(prev))) {
                return "realm " + realm + ": the chain starts at seq " + seq + ", not at 1 (records before it missing)";
            }
        } else if (seq <= head.lastSeq()) {
            return "realm " + realm + " seq " + seq + " after seq " + head.lastSeq() + " (inserted, duplicated or reordered)";
        } else if (seq != head.lastSeq() + 1) {
            return "realm " + realm + ": seq " + seq + " follows seq " + head.lastSeq() + " (" + (seq - head.lastSeq() - 1)
                    + " record(s) deleted)";
        } else if (!Objects.equals(prev, head.lastHash())) {
            return "realm " + realm + " seq " + seq + ": prev is not the hash of seq " + head.lastSeq() + " (inserted or replaced)";
        }
        heads.put(realm, new Head(head == null ? seq : head.firstSeq(), seq, hash));
        return null;
    }

    /** The lines of a file sink's output, oldest first: rotated files NAME.N … NAME.1, then NAME itself. */
    public static List<Line> readFiles(Path file) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 1; Files.exists(Path.of(file + "." + i)); i++) {
            files.add(0, Path.of(file + "." + i));
        }
        if (Files.exists(file)) {
            files.add(file);
        }
        List<Line> lines = new ArrayList<>();
        for (Path f : files) {
            List<String> texts = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < texts.size(); i++) {
                if (!texts.get(i).isEmpty()) {
                    lines.add(new Line(f + ":" + (i + 1), texts.get(i)));
                }
            }
        }
        return lines;
    }

    /** Every entry of an audit stream, oldest first (the record is the entry's {@code record} field). */
    public static List<Line> readStream(Jedis jedis, String key) {
        List<Line> lines = new ArrayList<>();
        StreamEntryID from = StreamEntryID.MINIMUM_ID;
        while (true) {
            List<StreamEntry> page = jedis.xrange(key, from, StreamEntryID.MAXIMUM_ID, 1000);
            for (StreamEntry entry : page) {
                lines.add(new Line(key + " " + entry.getID(), entry.getFields().getOrDefault("record", "")));
            }
            if (page.size() < 1000) {
                return lines;
            }
            StreamEntryID last = page.get(page.size() - 1).getID();
            from = new StreamEntryID(last.getTime(), last.getSequence() + 1);
        }
    }

    public static void main(String[] args) {
        boolean genesis = false;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--require-genesis")) {
                genesis = true;
            } else {
                rest.add(a);
            }
        }
        try {
            List<Line> lines;
            if (rest.size() >= 2 && rest.get(0).equals("file")) {
                lines = new ArrayList<>();
                for (String f : rest.subList(1, rest.size())) {
                    lines.addAll(readFiles(Path.of(f)));
                }
            } else if (rest.size() == 3 && rest.get(0).equals("redis")) {
                try (Jedis jedis = new Jedis(URI.create(rest.get(1)))) {
                    lines = readStream(jedis, rest.get(2));
                }
            } else {
                System.err.println("usage: AuditVerifier [--require-genesis] file PATH... | redis REDIS_URL STREAM_KEY");
                System.exit(2);
                return;
            }
            Result result = verify(lines, genesis);
            System.out.println(result);
            System.exit(result.intact() ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot read the audit records: " + e);
            System.exit(2);
        }
    }

}
