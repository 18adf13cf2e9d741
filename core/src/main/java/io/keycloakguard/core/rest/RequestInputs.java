package io.keycloakguard.core.rest;

import jakarta.ws.rs.BadRequestException;

/**
 * Checks of what callers put in the URLs of the pack's endpoints, made before anything reaches the database, so
 * that no input (a number beyond every range, a string of any length, a control character, which PostgreSQL
 * refuses in text) can end in a 500: a bad value is a 400 that names it, or, for an id, the caller's "not found".
 */
public final class RequestInputs {

    private RequestInputs() {
    }

    /**
     * Whether an id or a filter value can be looked up as it is: present, at most {@code maxLength} characters,
     * none of them a control character.
     */
    public static boolean isLookupable(String value, int maxLength) {
        if (value == null || value.isEmpty() || value.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** A filter value, or null when absent or empty; 400 when it cannot be looked up ({@link #isLookupable}). */
    public static String filter(String name, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!isLookupable(value, maxLength)) {
            throw new BadRequestException(name + " must be 1 to " + maxLength + " characters, none a control character");
        }
        return value;
    }

    /**
     * A whole number between {@code min} and {@code max} (inclusive), {@code defaultValue} when absent or blank;
     * 400 otherwise.
     */
    public static long number(String name, String value, long defaultValue, long min, long max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        Long n = wholeNumber(value, min, max);
        if (n == null) {
            throw new BadRequestException(name + " must be a whole number between " + min + " and " + max);
        }
        return n;
    }

    /** The whole number the text holds if it is one between {@code min} and {@code max}, else null. */
    static Long wholeNumber(String value, long min, long max) {
        try {
            long n = Long.parseLong(value.trim());
            return n < min || n > max ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
