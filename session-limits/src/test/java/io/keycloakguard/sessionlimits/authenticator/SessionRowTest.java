package io.keycloakguard.sessionlimits.authenticator;

import io.keycloakguard.sessionlimits.sessions.UserSessionView;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionRowTest {

    private static final long NOW = 1_800_000_000L;

    @Test
    void browserAsFamilyAndMajorVersion() {
        assertEquals("Chrome 156", SessionRow.browser("HeadlessChrome/156.0.0"));
        assertEquals("Firefox 131", SessionRow.browser("Firefox/131.0"));
        assertEquals("Safari", SessionRow.browser("Safari"));
        assertEquals("", SessionRow.browser("Other/Unknown"));
        assertEquals("", SessionRow.browser(null));
        assertEquals("Windows 10", SessionRow.os("Windows 10"));
        assertEquals("", SessionRow.os("Other Unknown"));
        assertEquals("", SessionRow.os(" "));
    }

    @Test
    void relativeTimesPickAUnitAndAnAmount() {
        assertMoment("Now", 0, NOW - 59);
        assertMoment("Minutes", 1, NOW - 60);
        assertMoment("Minutes", 59, NOW - 3599);
        assertMoment("Hours", 2, NOW - 7300);
        assertMoment("Days", 3, NOW - 3 * 86400 - 5);
        // A clock a little ahead on another node is not "in the future".
        assertMoment("Now", 0, NOW + 5);
    }

    @Test
    void exactTimeInTheLocaleAndIsoForTheTimeElement() {
        UserSessionView view = new UserSessionView("s1", "Chrome/156.0", "Linux", null, "10.0.0.1", NOW - 300, NOW - 60,
                List.of("app"), false, false);
        SessionRow de = SessionRow.of(view, List.of("${client_account-console}"), NOW, Locale.GERMAN, false);
        assertEquals("2027-01-15T07:55:00Z", de.getStarted().getIso());
        assertTrue(de.getStarted().getExact().startsWith("15.01.2027, 07:55"), de.getStarted().getExact());
        SessionRow en = SessionRow.of(view, List.of("App"), NOW, Locale.ENGLISH, false);
        assertTrue(en.getStarted().getExact().startsWith("Jan 15, 2027, 7:55"), en.getStarted().getExact());
        assertEquals("Chrome 156", en.getBrowser());
        assertEquals(List.of("App"), en.getClients());
    }

    /**
     * The messages' plural forms, formatted as Keycloak's msg() does: MessageFormat in the page's locale, with a
     * number (26.7) or, on 26.4 and 26.5, FreeMarker's number wrapper, which formats as its text.
     */
    @Test
    void pluralsOfTheMessages() throws Exception {
        Properties en = messages("en");
        Properties de = messages("de");
        Object wrapped = new Object() {
            @Override
            public String toString() {
                return "5";
            }
        };
        assertEquals("guardSessionAgoMinutesOne", SessionRow.Moment.of(NOW - 60, NOW, Locale.ENGLISH).getMessage());
        assertEquals("guardSessionAgoMinutes", SessionRow.Moment.of(NOW - 300, NOW, Locale.ENGLISH).getMessage());
        assertEquals("guardSessionAgoNow", SessionRow.Moment.of(NOW, NOW, Locale.ENGLISH).getMessage());
        assertEquals("1 minute ago", format(en, "guardSessionAgoMinutesOne", Locale.ENGLISH, 1L));
        assertEquals("5 minutes ago", format(en, "guardSessionAgoMinutes", Locale.ENGLISH, 5L));
        assertEquals("5 minutes ago", format(en, "guardSessionAgoMinutes", Locale.ENGLISH, wrapped));
        assertEquals("vor 1 Stunde", format(de, "guardSessionAgoHoursOne", Locale.GERMAN, 1L));
        assertEquals("vor 5 Tagen", format(de, "guardSessionAgoDays", Locale.GERMAN, wrapped));
        assertTrue(format(en, "guardSessionChooserIntroOne", Locale.ENGLISH, 1).startsWith("You can have 1 active session at"));
        assertTrue(format(en, "guardSessionChooserIntro", Locale.ENGLISH, 2).startsWith("You can have 2 active sessions at"));
        assertTrue(format(de, "guardSessionChooserIntroOne", Locale.GERMAN, 1).contains("1 aktive Sitzung gleichzeitig"));
        assertTrue(format(de, "guardSessionChooserIntro", Locale.GERMAN, wrapped).contains("5 aktive Sitzungen gleichzeitig"));
        assertEquals("Chrome 156 unter Linux", format(de, "guardSessionBrowserOnOs", Locale.GERMAN, "Chrome 156", "Linux"));
        for (String unit : new String[]{"Minutes", "Hours", "Days"}) {
            assertTrue(en.containsKey("guardSessionAgo" + unit + "One") && en.containsKey("guardSessionAgo" + unit), unit);
        }
        assertEquals(en.keySet(), de.keySet(), "every message in both languages");
    }

    private static Properties messages(String language) throws Exception {
        Properties p = new Properties();
        try (InputStream in = SessionRowTest.class.getResourceAsStream("/theme-resources/messages/messages_" + language
                + ".properties")) {
            p.load(in);
        }
        return p;
    }

    private static String format(Properties messages, String key, Locale locale, Object... args) {
        return new MessageFormat(messages.getProperty(key), locale).format(args);
    }

    private static void assertMoment(String unit, long amount, long at) {
        SessionRow.Moment m = SessionRow.Moment.of(at, NOW, Locale.ENGLISH);
        assertEquals(unit, m.getUnit(), "unit of " + (NOW - at) + " s");
        assertEquals(amount, m.getAmount(), "amount of " + (NOW - at) + " s");
    }
}
