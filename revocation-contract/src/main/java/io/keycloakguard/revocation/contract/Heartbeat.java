package io.keycloakguard.revocation.contract;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The publisher heartbeat of a realm (revision 2), a HASH at {@link RevocationKeys#heartbeat()}: "every revocation
 * Keycloak committed before {@code drained_to} is in the feed, at or before stream id {@code stream}". Keycloak
 * writes it every few seconds, and only while its outbox has delivered everything up to that point; a reader
 * that has applied the stream up to {@code stream} knows it missed nothing older than {@code drained_to}.
 *
 * @param drainedToMillis epoch milliseconds (Keycloak's clock)
 * @param streamId        the newest stream entry when it was written ({@code 0-0}: the stream was empty)
 * @param writtenMillis   epoch milliseconds when it was written
 * @param node            which Keycloak node wrote it, for diagnosis
 * @param revision        the contract revision the publisher writes; a reader of an older one is outdated
 */
public record Heartbeat(long drainedToMillis, String streamId, long writtenMillis, String node, int revision) {

    public static final String DRAINED_TO = "drained_to";
    public static final String STREAM = "stream";
    public static final String WRITTEN = "written";
    public static final String NODE = "node";
    public static final String REVISION = "rev";

    /** The heartbeat in a HASH as Redis returns it; empty when there is none or it is malformed (no heartbeat). */
    public static Optional<Heartbeat> fromFields(Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        try {
            String stream = fields.get(STREAM);
            if (!StreamIds.isValid(stream)) {
                return Optional.empty();
            }
            String revision = fields.get(REVISION);
            String written = fields.get(WRITTEN);
            return Optional.of(new Heartbeat(Long.parseLong(fields.get(DRAINED_TO)), stream,
                    written == null ? 0 : Long.parseLong(written), fields.getOrDefault(NODE, ""),
                    revision == null ? 1 : Integer.parseInt(revision)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Map<String, String> toFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(DRAINED_TO, String.valueOf(drainedToMillis));
        fields.put(STREAM, streamId);
        fields.put(WRITTEN, String.valueOf(writtenMillis));
        fields.put(NODE, node);
        fields.put(REVISION, String.valueOf(revision));
        return fields;
    }
}
