package io.keycloakguard.it.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for something the server does asynchronously (a revocation reaching Redis, a health check). */
public final class Await {

    private Await() {
    }

    /** Polls every 50 ms; fails with {@code what} if the condition does not hold within the timeout. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        if (!holdsWithin(condition, timeout)) {
            throw new AssertionError("Timed out after " + timeout + " waiting until " + what);
        }
    }

    /**
     * Polls every 50 ms; whether the condition held within the timeout. For a test that then asserts with the
     * figures it counted (e.g. committed vs delivered) instead of a bare time-out.
     */
    public static boolean holdsWithin(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(Duration.ofMillis(50));
        }
        return true;
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
