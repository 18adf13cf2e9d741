package io.keycloakguard.authenticators.notify;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

/** Turns a notice into the strings the email shows. */
final class NoticeText {

    /** Longest browser or OS text shown; a User-Agent is the sender's to choose, the email is not. */
    static final int MAX_LENGTH = 80;

    private NoticeText() {
    }

    /**
     * The value cleaned for an email: control and format characters (line breaks, bidi overrides that could
     * reorder what the user reads) removed, whitespace collapsed, at most {@link #MAX_LENGTH} characters.
     * Null when nothing is left. HTML escaping is the template's job.
     */
    static String clean(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_LENGTH + 1));
        boolean space = false;
        for (int i = 0; i < raw.length() && out.length() <= MAX_LENGTH; ) {
            int cp = raw.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
                space = out.length() > 0;
                continue;
            }
            if (type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                    || type == Character.SURROGATE) {
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.appendCodePoint(cp);
        }
        if (out.length() == 0) {
            return null;
        }
        if (out.length() > MAX_LENGTH) {
            int cut = MAX_LENGTH - 1;
            if (Character.isLowSurrogate(out.charAt(cut))) {
                cut--;
            }
            return out.substring(0, cut).trim() + "\u2026";
        }
        return out.toString();
    }

    /** Date and time in the user's language, always in UTC and saying so, e.g. "Jul 9, 2026, 2:03 PM UTC". */
    static String time(long epochMillis, Locale locale) {
        return formatter(locale).format(Instant.ofEpochMilli(epochMillis)) + " UTC";
    }

    static DateTimeFormatter formatter(Locale locale) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                .withLocale(locale == null ? Locale.ENGLISH : locale).withZone(ZoneOffset.UTC);
    }
}
