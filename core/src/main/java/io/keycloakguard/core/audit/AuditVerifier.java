package io.keycloakguard.core.audit;

import io.keycloakguard.core.config.OptionReader;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Walks audit records in the order they were written and reports the first broken link of any realm's
 * chain: a record whose hash does not match its content (edited), a gap in seq (deleted), a repeated or
 * decreasing seq (inserted, reordered), or a {@code prev} that is not the previous record's hash. Given the
 * public key(s) of the checkpoint key ({@link CheckpointPolicy}), it also checks every signed checkpoint
 * ({@link AuditCheckpoints}): its signature, that it signed the hash the trail has before it (else the records
 * were rewritten and their hashes recomputed), that it names the checkpoint before it (else one was deleted),
 * and per realm that the trail does not end more than one checkpoint window before now (else the newest
 * records were truncated) nor hold more records after its last checkpoint than a checkpoint covers.
 *
 * <pre>
 * java -cp keycloak-guard-VERSION.jar io.keycloakguard.core.audit.AuditVerifier [OPTIONS] file /var/log/keycloak/guard-audit.jsonl
 * java -cp keycloak-guard-VERSION.jar io.keycloakguard.core.audit.AuditVerifier [OPTIONS] redis redis://host:6379 'guard:audit:{REALM_ID}'
 * </pre>
 * A file argument also reads its rotated predecessors ({@code NAME.N} … {@code NAME.1}) first. Exit code 0:
 * every chain intact; 1: a broken link (printed); 2: the input could not be read.
 */
public final class AuditVerifier {

    static final String USAGE = "usage: AuditVerifier [--require-genesis] [--public-key PEM_FILE]... [--now EPOCH_MS|ISO_INSTANT]"
            + " [--checkpoint-interval DURATION] [--checkpoint-records N] [--grace DURATION] [--checkpoints FILE]"
            + " file PATH... | redis REDIS_URL STREAM_KEY";

    /** Where a line came from, for the report: a file and line number, or a stream entry id. */
    public record Line(String where, String text) {
    }

    /** The first broken link, or none; and per realm the first and last seq and the last hash seen. */
    public record Result(int checked, String brokenAt, String problem, Map<String, Head> heads, String note) {

        public Result(int checked, String brokenAt, String problem, Map<String, Head> heads) {
            this(checked, brokenAt, problem, heads, null);
        }

        public boolean intact() {
            return problem == null;
        }

        @Override
        public String toString() {
            return intact() ? "OK: " + checked + " records, chains " + heads + (note == null ? "" : "; " + note)
                    : "BROKEN at " + brokenAt + ": " + problem + " (after " + checked + " intact records)";
        }
    }

    public record Head(long firstSeq, long lastSeq, String lastHash) {
    }

    /**
     * What the signed checkpoints are checked against.
     *
     * @param keys         the public keys checkpoints may be signed with, by id
     * @param now          the time the trail is checked at (epoch ms): its newest checkpoint must be younger than
     *                     {@code now - interval - grace}
     * @param interval     the longest time between checkpoints; null: what the newest checkpoint states it is
     * @param everyRecords the most records between checkpoints; null: what the newest checkpoint states
     * @param grace        how late a checkpoint may reach the sink after it was signed
     * @param offHost      checkpoints kept elsewhere ({@code checkpoint-file}), or empty: each one inside the trail's
     *                     range must be in the trail, and none may lie beyond the trail's end
     */
    public record CheckpointPolicy(Map<String, CheckpointKey> keys, long now, Duration interval, Long everyRecords,
                                   Duration grace, List<Line> offHost) {

        public static CheckpointPolicy of(List<CheckpointKey> keys, long now) {
            Map<String, CheckpointKey> byId = new TreeMap<>();
            keys.forEach(k -> byId.put(k.id(), k));
            return new CheckpointPolicy(byId, now, null, null, AuditCheckpoints.DEFAULT_GRACE, List.of());
        }

        public CheckpointPolicy withInterval(Duration every, Long records) {
            return new CheckpointPolicy(keys, now, every, records, grace, offHost);
        }

        public CheckpointPolicy withGrace(Duration value) {
            return new CheckpointPolicy(keys, now, interval, everyRecords, value, offHost);
        }

        public CheckpointPolicy withOffHost(List<Line> lines) {
            return new CheckpointPolicy(keys, now, interval, everyRecords, grace, lines);
        }
    }

    /** The newest checkpoint seen of a realm. */
    private record Seen(long seq, String hash, AuditCheckpoints.Statement statement) {
    }

    /** Per-realm state of one walk. */
    private static final class Walk {
        final Map<String, Head> heads = new TreeMap<>();
        final Map<String, Long> firstTimes = new TreeMap<>();
        final Map<String, Seen> checkpoints = new TreeMap<>();
        final Map<String, Map<Long, String>> checkpointHashes = new TreeMap<>();
        final CheckpointPolicy policy;

        Walk(CheckpointPolicy policy) {
            this.policy = policy;
        }
    }

    private AuditVerifier() {
    }

    /** The chain alone: what an unkeyed hash chain proves (see docs/audit.md). */
    public static Result verify(List<Line> lines, boolean requireGenesis) {
        return verify(lines, requireGenesis, null);
    }

    /** The chain, and with a policy its signed checkpoints. */
    public static Result verify(List<Line> lines, boolean requireGenesis, CheckpointPolicy policy) {
        Walk walk = new Walk(policy);
        int checked = 0;
        for (Line line : lines) {
            String problem = check(line.text(), walk, requireGenesis);
            if (problem != null) {
                return new Result(checked, line.where(), problem, walk.heads);
            }
            checked++;
        }
        if (policy == null) {
            return new Result(checked, null, null, walk.heads, "checkpoints not verified (no public key given):"
                    + " truncation of the newest records and recomputed hashes are not detected");
        }
        for (String realm : walk.heads.keySet()) {
            String problem = endOf(realm, walk);
            if (problem != null) {
                return new Result(checked, "the end of the records", problem, walk.heads);
            }
        }
        String problem = offHost(walk);
        if (problem != null) {
            return new Result(checked, "the off-host checkpoints", problem, walk.heads);
        }
        Map<String, Long> last = new TreeMap<>();
        walk.checkpoints.forEach((realm, seen) -> last.put(realm, seen.seq()));
        return new Result(checked, null, null, walk.heads, "signed checkpoints verified, the newest per realm at seq " + last
                + " (records after them, at most one checkpoint window, are not yet covered)");
    }

    private static String check(String text, Walk walk, boolean requireGenesis) {
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
        Head head = walk.heads.get(realm);
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
        long firstSeq = head == null ? seq : head.firstSeq();
        if (walk.policy != null && AuditCheckpoints.isCheckpoint(record)) {
            String problem = checkpoint(record, realm, seq, hash, firstSeq, walk);
            if (problem != null) {
                return "realm " + realm + " seq " + seq + ": " + problem;
            }
        }
        if (head == null && record.get("time") instanceof Long time) {
            walk.firstTimes.put(realm, time);
        }
        walk.heads.put(realm, new Head(firstSeq, seq, hash));
        return null;
    }

    private static String checkpoint(Map<String, Object> record, String realm, long seq, String hash, long firstSeq,
                                     Walk walk) {
        String problem = AuditCheckpoints.problemOf(record, walk.policy.keys());
        if (problem != null) {
            return problem;
        }
        AuditCheckpoints.Statement s = AuditCheckpoints.statementOf(record);
        Seen before = walk.checkpoints.get(realm);
        if (before != null && (before.seq() != s.prevSeq() || !before.hash().equals(s.prevHash()))) {
            return "the checkpoint names the previous checkpoint seq " + s.prevSeq() + ", but the previous one in the trail"
                    + " is seq " + before.seq() + (before.seq() == s.prevSeq() ? " with another hash" : "")
                    + " (a checkpoint was deleted or altered)";
        }
        if (before == null && s.prevSeq() >= firstSeq) {
            return "the checkpoint names the previous checkpoint seq " + s.prevSeq() + ", which is not a checkpoint in the"
                    + " trail (a checkpoint was deleted or altered)";
        }
        walk.checkpoints.put(realm, new Seen(seq, hash, s));
        walk.checkpointHashes.computeIfAbsent(realm, k -> new TreeMap<>()).put(seq, hash);
        return null;
    }

    /** A realm's trail must not end more than one checkpoint window before {@code now}. */
    private static String endOf(String realm, Walk walk) {
        CheckpointPolicy policy = walk.policy;
        Seen last = walk.checkpoints.get(realm);
        Head head = walk.heads.get(realm);
        long interval = policy.interval() != null ? policy.interval().toMillis()
                : last != null ? last.statement().everyMillis() : AuditCheckpoints.DEFAULT_INTERVAL.toMillis();
        long every = policy.everyRecords() != null ? policy.everyRecords()
                : last != null ? last.statement().everyRecords() : AuditCheckpoints.DEFAULT_EVERY_RECORDS;
        long oldestAllowed = policy.now() - interval - policy.grace().toMillis();
        String window = " (checkpoint interval " + interval + " ms + grace " + policy.grace().toMillis() + " ms, checked at "
                + Instant.ofEpochMilli(policy.now()) + ")";
        if (last == null) {
            Long first = walk.firstTimes.get(realm);
            if (first == null || first < oldestAllowed) {
                return "realm " + realm + ": no signed checkpoint among seq " + head.firstSeq() + " to " + head.lastSeq()
                        + ", and they are older than one checkpoint window" + window
                        + " (checkpoints were off when they were written, or were deleted)";
            }
            return null;
        }
        if (last.statement().time() < oldestAllowed) {
            return "realm " + realm + ": the newest checkpoint (seq " + last.seq() + ", signed at "
                    + Instant.ofEpochMilli(last.statement().time()) + ") is older than one checkpoint window" + window
                    + ": the newest records were truncated (or the server stopped writing checkpoints; then give --now)";
        }
        if (head.lastSeq() - last.seq() > every) {
            return "realm " + realm + ": " + (head.lastSeq() - last.seq()) + " records after the newest checkpoint (seq "
                    + last.seq() + "), more than the " + every + " a checkpoint covers (a checkpoint was deleted)";
        }
        return null;
    }

    /** Off-host checkpoints of the trail's realms: signed, in the trail within its range, none beyond its end. */
    private static String offHost(Walk walk) {
        for (Line line : walk.policy.offHost()) {
            Map<String, Object> record;
            try {
                record = CanonicalJson.parse(line.text());
            } catch (RuntimeException e) {
                return line.where() + ": not a JSON object (" + e.getMessage() + ")";
            }
            if (!AuditCheckpoints.isCheckpoint(record) || !(record.get("seq") instanceof Long seq)
                    || !(record.get("realmId") instanceof String realm) || !(record.get("hash") instanceof String hash)
                    || !AuditChain.hashOf(record).equals(hash)) {
                return line.where() + ": not an intact checkpoint record";
            }
            String problem = AuditCheckpoints.problemOf(record, walk.policy.keys());
            if (problem != null) {
                return line.where() + ": " + problem;
            }
            Head head = walk.heads.get(realm);
            if (head == null || seq < head.firstSeq()) {
                continue; // another realm's, or before the records given (rotated, trimmed)
            }
            if (seq > head.lastSeq()) {
                return "realm " + realm + ": the off-host checkpoint seq " + seq + " (" + line.where() + ") lies beyond the"
                        + " trail's last record, seq " + head.lastSeq() + " (the newest records were truncated)";
            }
            String inTrail = walk.checkpointHashes.getOrDefault(realm, Map.of()).get(seq);
            if (!hash.equals(inTrail)) {
                return "realm " + realm + ": the off-host checkpoint seq " + seq + " (" + line.where() + ") is "
                        + (inTrail == null ? "not in the trail (deleted)" : "different in the trail (altered)");
            }
        }
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
        List<CheckpointKey> keys = new ArrayList<>();
        Long now = null;
        Duration interval = null;
        Long records = null;
        Duration grace = null;
        List<Line> offHost = List.of();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--require-genesis" -> genesis = true;
                    case "--public-key" -> keys.add(CheckpointKey.loadPublic(Path.of(value(args, ++i, a))));
                    case "--now" -> now = instant(value(args, ++i, a));
                    case "--checkpoint-interval" -> interval = duration(value(args, ++i, a), a);
                    case "--checkpoint-records" -> records = number(value(args, ++i, a), a);
                    case "--grace" -> grace = duration(value(args, ++i, a), a);
                    case "--checkpoints" -> offHost = readFiles(Path.of(value(args, ++i, a)));
                    default -> rest.add(a);
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (keys.isEmpty() && (now != null || interval != null || records != null || grace != null || !offHost.isEmpty())) {
            System.err.println("checkpoint options need --public-key");
            System.err.println(USAGE);
            System.exit(2);
            return;
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
                System.err.println(USAGE);
                System.exit(2);
                return;
            }
            CheckpointPolicy policy = null;
            if (!keys.isEmpty()) {
                policy = CheckpointPolicy.of(keys, now == null ? System.currentTimeMillis() : now)
                        .withInterval(interval, records).withOffHost(offHost);
                if (grace != null) {
                    policy = policy.withGrace(grace);
                }
            }
            Result result = verify(lines, genesis, policy);
            System.out.println(result);
            System.exit(result.intact() ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot read the audit records: " + e);
            System.exit(2);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long instant(String raw) {
        try {
            return raw.matches("\\d+") ? Long.parseLong(raw) : Instant.parse(raw).toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--now: '" + raw + "' is neither epoch milliseconds nor an ISO-8601 instant");
        }
    }

    private static Duration duration(String raw, String option) {
        Duration d = OptionReader.parseDuration(raw);
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(option + ": '" + raw + "' is not a duration such as 60s, 5m or 1h");
        }
        return d;
    }

    private static long number(String raw, String option) {
        try {
            long n = Long.parseLong(raw);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": '" + raw + "' is not a whole number of at least 1");
    }
}
