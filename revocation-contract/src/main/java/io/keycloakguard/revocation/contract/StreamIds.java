package io.keycloakguard.revocation.contract;

/** Redis stream ids ({@code <ms>-<seq>}), compared as Redis compares them. */
public final class StreamIds {

    /** Before every entry: where a reader of an empty stream starts. */
    public static final String ZERO = "0-0";

    private StreamIds() {
    }

    /** Negative, zero or positive as {@code a} is before, equal to or after {@code b}. */
    public static int compare(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        int c = Long.compareUnsigned(x[0], y[0]);
        return c != 0 ? c : Long.compareUnsigned(x[1], y[1]);
    }

    /** Whether {@code id} is a stream id ({@code <ms>-<seq>} or {@code <ms>}). */
    public static boolean isValid(String id) {
        try {
            parse(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long[] parse(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("not a stream id: " + id);
        }
        int dash = id.indexOf('-');
        try {
            return dash < 0
                    ? new long[] {Long.parseUnsignedLong(id), 0}
                    : new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a stream id: " + id, e);
        }
    }
}
