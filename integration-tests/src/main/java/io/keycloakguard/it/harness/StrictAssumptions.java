package io.keycloakguard.it.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * With {@code -Dit.strict=true} (CI runs with it), a test that would be skipped because an assumption failed (a tool
 * missing, a loopback address unusable, …) fails instead, naming the assumption: on a machine that has everything, a
 * skip means a test silently stopped testing. Without the property assumptions skip as usual, so the suite still runs
 * on a machine with only a JDK. Tests meant to run only on request (benchmarks) use a JUnit condition, which this
 * leaves alone. Registered for every test class through JUnit's extension auto-detection.
 */
public class StrictAssumptions implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    public static final String PROPERTY = "it.strict";

    static boolean strict() {
        return Boolean.getBoolean(PROPERTY);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw strictly(throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw strictly(throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw strictly(throwable);
    }

    private static Throwable strictly(Throwable throwable) {
        if (throwable instanceof TestAbortedException aborted && strict()) {
            return new AssertionFailedError("skipped under -D" + PROPERTY + "=true (every test must run here): "
                    + aborted.getMessage(), aborted);
        }
        return throwable;
    }
}
