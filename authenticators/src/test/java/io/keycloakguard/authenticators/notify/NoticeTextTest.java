package io.keycloakguard.authenticators.notify;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoticeTextTest {

    @Test
    void keepsOrdinaryNames() {
        assertEquals("Chrome 130", NoticeText.clean("Chrome 130"));
        assertEquals("Mac OS X 10.15", NoticeText.clean("  Mac OS X\t 10.15 "));
        assertEquals("203.0.113.7", NoticeText.clean("203.0.113.7"));
    }

    @Test
    void removesLineBreaksAndControlCharacters() {
        assertEquals("Chrome Click http://evil.example now", NoticeText.clean("Chrome\r\n\r\nClick http://evil.example\u0000 now"));
    }

    @Test
    void removesBidiOverrides() {
        // U+202E would make "Chrome" read backwards in the user's mail program.
        assertEquals("Chromeexe.txt", NoticeText.clean("Chrome\u202Eexe.txt"));
    }

    @Test
    void nothingLeftIsNull() {
        assertNull(NoticeText.clean(null));
        assertNull(NoticeText.clean(""));
        assertNull(NoticeText.clean(" \n\u200B\u202E "));
    }

    @Test
    void capsTheLength() {
        String cleaned = NoticeText.clean("x".repeat(500));
        assertEquals(NoticeText.MAX_LENGTH, cleaned.length());
        assertTrue(cleaned.endsWith("\u2026"));
        assertEquals("y".repeat(NoticeText.MAX_LENGTH), NoticeText.clean("y".repeat(NoticeText.MAX_LENGTH)));
    }

    @Test
    void neverCutsASurrogatePair() {
        String cleaned = NoticeText.clean("\uD83D\uDE00".repeat(100));
        assertTrue(cleaned.endsWith("\u2026"));
        for (int i = 0; i < cleaned.length(); i++) {
            char c = cleaned.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertTrue(Character.isLowSurrogate(cleaned.charAt(i + 1)), "pair intact at " + i);
            }
        }
    }

    @Test
    void timeIsInUtcAndSaysSo() {
        long millis = LocalDateTime.of(2026, 7, 9, 14, 3, 27).toInstant(ZoneOffset.UTC).toEpochMilli();
        String en = NoticeText.time(millis, Locale.ENGLISH);
        assertTrue(en.endsWith(" UTC"), en);
        assertTrue(en.contains("2026") && en.contains("Jul") && en.contains("2:03"), en);
        String de = NoticeText.time(millis, Locale.GERMAN);
        assertTrue(de.contains("09.07.2026") && de.contains("14:03") && de.endsWith(" UTC"), de);
    }

    @Test
    void withoutALocaleEnglish() {
        assertEquals(NoticeText.time(0, Locale.ENGLISH), NoticeText.time(0, null));
    }
}
