package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.CanonicalJson;
import org.keycloak.models.KeycloakSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends records as JSON lines to one file, rotating it by size: NAME becomes NAME.1, NAME.1 becomes
 * NAME.2, …, up to {@code maxFiles} rotated files. Each batch is forced to disk before the sink's cursor
 * moves. After a restart it reads the last file(s) once to learn each realm's last written seq, so records
 * delivered again after a crash are not written twice.
 */
final class FileAuditSink implements AuditSink {

    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private final String onlyType;
    private Map<String, Long> lastWritten;

    FileAuditSink(Path file, long maxBytes, int maxFiles) {
        this(file, maxBytes, maxFiles, null);
    }

    /** {@code onlyType} non-null: a file of those records alone (the off-host checkpoint file). */
    FileAuditSink(Path file, long maxBytes, int maxFiles, String onlyType) {
        this.file = file.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.onlyType = onlyType;
    }

    @Override
    public String name() {
        return (onlyType == null ? "file:" : "checkpoints:") + file;
    }

    @Override
    public String onlyType() {
        return onlyType;
    }

    @Override
    public synchronized void write(KeycloakSession session, String realmId, String realmName, List<ChainedRecord> records)
            throws IOException {
        if (lastWritten == null) {
            lastWritten = scan();
        }
        long last = lastWritten.getOrDefault(realmId, 0L);
        StringBuilder text = new StringBuilder();
        long newLast = last;
        for (ChainedRecord r : records) {
            if (r.seq() > newLast) {
                text.append(r.json()).append('\n');
                newLast = r.seq();
            }
        }
        if (text.isEmpty()) {
            return;
        }
        Files.createDirectories(file.getParent());
        if (Files.exists(file) && Files.size(file) >= maxBytes) {
            rotate();
        }
        if (!endsWithNewline(file)) {
            // A line torn by a crash: start on a new line, so only the torn one is unreadable.
            text.insert(0, '\n');
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        }
        lastWritten.put(realmId, newLast);
    }

    /** True for a missing or empty file, or one whose last byte is a newline. */
    private static boolean endsWithNewline(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            return last.get(0) == '\n';
        }
    }

    private void rotate() throws IOException {
        Files.deleteIfExists(Path.of(file + "." + maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            Path from = Path.of(file + "." + i);
            if (Files.exists(from)) {
                Files.move(from, Path.of(file + "." + (i + 1)), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(file, Path.of(file + ".1"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Last seq per realm in the newest rotated file and the current file. */
    private Map<String, Long> scan() throws IOException {
        Map<String, Long> seqs = new HashMap<>();
        for (Path f : List.of(Path.of(file + ".1"), file)) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                try {
                    Map<String, Object> r = CanonicalJson.parse(line);
                    if (r.get("realmId") instanceof String realm && r.get("seq") instanceof Long seq) {
                        seqs.merge(realm, seq, Math::max);
                    }
                } catch (RuntimeException e) {
                    // A torn last line after a crash: the record is written again, whole, on the next line.
                }
            }
        }
        return seqs;
    }
}
