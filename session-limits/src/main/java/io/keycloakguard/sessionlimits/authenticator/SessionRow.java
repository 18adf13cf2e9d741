package io.keycloakguard.sessionlimits.authenticator;

import io.keycloakguard.sessionlimits.sessions.UserSessionView;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A row of the chooser page, with times already formatted. A plain bean, not a record: FreeMarker's
 * bean wrapper reads {@code getX()} getters, and a record's {@code x()} accessors would shadow them.
 */
public final class SessionRow {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final String id;
    private final String device;
    private final String ipAddress;
    private final String started;
    private final String lastActive;
    private final String clients;

    private SessionRow(String id, String device, String ipAddress, String started, String lastActive, String clients) {
        this.id = id;
        this.device = device;
        this.ipAddress = ipAddress;
        this.started = started;
        this.lastActive = lastActive;
        this.clients = clients;
    }

    static SessionRow of(UserSessionView v) {
        String device = String.join(" on ", Stream.of(v.browser(), v.os())
                .filter(Objects::nonNull).filter(s -> !s.isBlank()).toList());
        return new SessionRow(v.id(), device.isEmpty() ? "Unknown device" : device,
                v.ipAddress() == null ? "" : v.ipAddress(), FORMAT.format(Instant.ofEpochSecond(v.started())),
                FORMAT.format(Instant.ofEpochSecond(v.lastActive())), String.join(", ", v.clients()));
    }

    public String getId() {
        return id;
    }

    public String getDevice() {
        return device;
    }

    public String getIpAddress() {
        return ipAddress;
    }

    public String getStarted() {
        return started;
    }

    public String getLastActive() {
        return lastActive;
    }

    public String getClients() {
        return clients;
    }
}
