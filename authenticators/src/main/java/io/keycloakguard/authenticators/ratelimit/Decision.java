package io.keycloakguard.authenticators.ratelimit;

import java.util.List;

/**
 * Whether an address may try to log in, from what Redis counted in each window. An address is blocked
 * while a window holds {@code max} or more failures; it may try again once enough of them have aged out
 * that the window holds fewer than {@code max}.
 *
 * @param window            the window that blocks longest, or null when nothing blocks
 * @param count             failures in that window
 * @param retryAfterSeconds whole seconds until every blocking window lets the address try again (at least 1)
 */
public record Decision(Window window, long count, long retryAfterSeconds) {

    public static final Decision ALLOWED = new Decision(null, 0, 0);

    /** What Redis reported for one window: failures inside it, and when the one that must age out happened. */
    public record Count(Window window, long count, long releasingFailureMillis) {
    }

    public boolean blocked() {
        return window != null;
    }

    /**
     * @param nowMillis Redis's clock when it counted
     * @param counts    one per window in force; {@code releasingFailureMillis} is the time of the failure
     *                  at position {@code count - max} (oldest first) inside the window, or -1 when under the limit
     */
    public static Decision of(long nowMillis, List<Count> counts) {
        Decision worst = ALLOWED;
        for (Count c : counts) {
            if (c.count() < c.window().max()) {
                continue;
            }
            long retry = retryAfterSeconds(nowMillis, c);
            if (!worst.blocked() || retry > worst.retryAfterSeconds()) {
                worst = new Decision(c.window(), c.count(), retry);
            }
        }
        return worst;
    }

    /**
     * When the failure at position {@code count - max} leaves the window, the window holds {@code max - 1}:
     * the address may try again. Never less than 1 s, never more than the window.
     */
    static long retryAfterSeconds(long nowMillis, Count c) {
        long lengthMillis = c.window().length().toMillis();
        long waitMillis = c.releasingFailureMillis() < 0 ? lengthMillis
                : c.releasingFailureMillis() + lengthMillis - nowMillis;
        long clamped = Math.max(1, Math.min(waitMillis, lengthMillis));
        return (clamped + 999) / 1000;
    }
}
