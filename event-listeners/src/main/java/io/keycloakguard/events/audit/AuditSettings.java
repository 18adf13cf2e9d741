package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.AuditCheckpoints;
import io.keycloakguard.core.config.OptionReader;

import java.time.Duration;

/** Options of {@code --spi-events-listener--guard-audit--…}, parsed once at start. */
record AuditSettings(String filePath, long fileMaxBytes, int fileMaxFiles, boolean redisStream, int streamMaxLength,
                     boolean log, boolean includeRepresentation, boolean truncateIp, boolean hashUsernames,
                     boolean dropUserAgent, Duration shipInterval, int batchSize, Duration retention,
                     String checkpointKeyFile, int checkpointRecords, Duration checkpointInterval, String checkpointFile,
                     Duration streamCheckInterval) {

    static AuditSettings parse(OptionReader options) {
        return new AuditSettings(
                options.string("file-path", "").trim(),
                options.integer("file-max-size-mb", 100, 1, 100_000) * 1024L * 1024L,
                options.integer("file-max-files", 10, 1, 1000),
                options.bool("redis-stream", true),
                options.integer("stream-max-length", 100_000, 100, 100_000_000),
                options.bool("log", false),
                options.bool("include-representation", false),
                options.bool("truncate-ip", false),
                options.bool("hash-usernames", false),
                options.bool("drop-user-agent", false),
                options.duration("ship-interval", Duration.ofSeconds(1), Duration.ofMillis(50)),
                options.integer("batch-size", 500, 1, 10_000),
                options.duration("db-retention", Duration.ofDays(30), Duration.ofMinutes(1)),
                options.string("checkpoint-key-file", "").trim(),
                options.integer("checkpoint-records", AuditCheckpoints.DEFAULT_EVERY_RECORDS, 1, 1_000_000),
                options.duration("checkpoint-interval", AuditCheckpoints.DEFAULT_INTERVAL, Duration.ofSeconds(1)),
                options.string("checkpoint-file", "").trim(),
                options.duration("stream-check-interval", Duration.ofSeconds(10), Duration.ofMillis(500)));
    }

    boolean fileSink() {
        return !filePath.isEmpty();
    }

    boolean checkpoints() {
        return !checkpointKeyFile.isEmpty();
    }
}
