package io.keycloakguard.sessionlimits.authenticator;

import io.keycloakguard.sessionlimits.sessions.UserSessionView;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * A row of the chooser page: the words come from the theme's messages (the template puts them together), this
 * class only picks the parts. A plain bean, not a record: FreeMarker's bean wrapper reads {@code getX()} getters,
 * and a record's {@code x()} accessors would shadow them.
 */
public final class SessionRow {

    private final String id;
    private final String browser;
    private final String os;
    private final String ipAddress;
    private final List<String> clients;
    private final Moment started;
    private final Moment lastActive;
    private final boolean thisDevice;

    private SessionRow(String id, String browser, String os, String ipAddress, List<String> clients, Moment started,
                       Moment lastActive, boolean thisDevice) {
        this.id = id;
        this.browser = browser;
        this.os = os;
        this.ipAddress = ipAddress;
        this.clients = clients;
        this.started = started;
        this.lastActive = lastActive;
        this.thisDevice = thisDevice;
    }

    /**
     * @param clientNames the display names of the session's clients: a client's name (which may be a
     *                    {@code ${key}} the template resolves), else its client id
     * @param now         epoch seconds
     * @param locale      the page's locale, for the exact times
     * @param thisDevice  whether the session was signed in from the device the browser's device cookie proves
     */
    static SessionRow of(UserSessionView v, List<String> clientNames, long now, Locale locale, boolean thisDevice) {
        return new SessionRow(v.id(), browser(v.browser()), os(v.os()), v.ipAddress() == null ? "" : v.ipAddress(),
                List.copyOf(clientNames), Moment.of(v.started(), now, locale), Moment.of(v.lastActive(), now, locale),
                thisDevice);
    }

    /**
     * Keycloak stores the browser as {@code family/version} ("HeadlessChrome/156.0.0"): the family and the major
     * version ("Chrome 156"); empty when unknown.
     */
    static String browser(String stored) {
        if (stored == null || stored.isBlank()) {
            return "";
        }
        int slash = stored.indexOf('/');
        String family = (slash < 0 ? stored : stored.substring(0, slash)).trim();
        String version = slash < 0 ? "" : stored.substring(slash + 1).trim();
        // An automated Chrome is still Chrome to the user who recognises the session.
        if (family.startsWith("Headless") && family.length() > "Headless".length()) {
            family = family.substring("Headless".length());
        }
        if (family.isEmpty() || family.equalsIgnoreCase("Other")) {
            return "";
        }
        int dot = version.indexOf('.');
        String major = dot < 0 ? version : version.substring(0, dot);
        return major.isEmpty() || major.equalsIgnoreCase("Unknown") ? family : family + " " + major;
    }

    /** The operating system and its version as Keycloak stores them; empty when unknown. */
    static String os(String stored) {
        if (stored == null || stored.isBlank() || stored.trim().startsWith("Other")) {
            return "";
        }
        return stored.trim();
    }

    public String getId() {
        return id;
    }

    public String getBrowser() {
        return browser;
    }

    public String getOs() {
        return os;
    }

    public String getIpAddress() {
        return ipAddress;
    }

    public List<String> getClients() {
        return clients;
    }

    public Moment getStarted() {
        return started;
    }

    /** Whether the session was signed in from this browser's known device ("This device" on the page). */
    public boolean isThisDevice() {
        return thisDevice;
    }

    public Moment getLastActive() {
        return lastActive;
    }

    /**
     * A time as the page shows it: "5 minutes ago" (the message {@link #getMessage()} with the amount, so each
     * language has its own words) and the exact time for {@code <time datetime>} and its hover title.
     */
    public static final class Moment {

        private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
                .withZone(ZoneOffset.UTC);

        private final String iso;
        private final String exact;
        private final String unit;
        private final long amount;

        private Moment(String iso, String exact, String unit, long amount) {
            this.iso = iso;
            this.exact = exact;
            this.unit = unit;
            this.amount = amount;
        }

        static Moment of(long epochSeconds, long now, Locale locale) {
            Instant at = Instant.ofEpochSecond(epochSeconds);
            // The server does not know the browser's time zone: UTC here, the page's script shows local time.
            String exact = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                    .withLocale(locale == null ? Locale.ENGLISH : locale).withZone(ZoneOffset.UTC).format(at) + " UTC";
            long seconds = Math.max(0, now - epochSeconds);
            String unit;
            long amount;
            if (seconds < 60) {
                unit = "Now";
                amount = 0;
            } else if (seconds < 3600) {
                unit = "Minutes";
                amount = seconds / 60;
            } else if (seconds < 86400) {
                unit = "Hours";
                amount = seconds / 3600;
            } else {
                unit = "Days";
                amount = ChronoUnit.DAYS.between(at, Instant.ofEpochSecond(now));
            }
            return new Moment(ISO.format(at), exact, unit, amount);
        }

        public String getIso() {
            return iso;
        }

        public String getExact() {
            return exact;
        }

        public String getUnit() {
            return unit;
        }

        /**
         * The message key: {@code guardSessionAgo<unit>}, with {@code One} for an amount of one. One key per plural
         * form (English and German have two) rather than MessageFormat's choice: on Keycloak 26.4 and 26.5 the
         * theme's msg() passes FreeMarker's number wrapper, which a choice format rejects.
         */
        public String getMessage() {
            return "guardSessionAgo" + unit + (amount == 1 ? "One" : "");
        }

        public long getAmount() {
            return amount;
        }
    }
}
