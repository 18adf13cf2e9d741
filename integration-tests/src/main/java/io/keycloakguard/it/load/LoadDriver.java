package io.keycloakguard.it.load;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load against one realm's client: each of N threads runs its operations back to back until stopped,
 * timing each into a {@link LatencyRecorder} under the operation's name. Success is the HTTP outcome a client
 * expects; anything else, an exception included, is a failure that is counted (with a short reason) and the
 * thread carries on.
 *
 * <p>Users are taken round-robin from the target's list, so that one user's sessions stay few (the session
 * limiter never has to act) and no user logs in back to back. The sessions a run opens are ended through the
 * logout endpoint after it stops, outside the measured window, so two realms under the same load end each run
 * with the same (zero) sessions of this client.
 */
public final class LoadDriver {

    public enum Operation {
        /** Resource-owner password grant; expects 200 with tokens. The session is kept for later operations. */
        PASSWORD_LOGIN("password login"),
        /** The browser's authorization-code flow with PKCE: login page, credentials, code exchange. */
        BROWSER_LOGIN("browser login"),
        /** Refresh-token grant on a session the thread holds (opened untimed if it holds none); expects 200. */
        REFRESH("refresh"),
        /** Logout with the refresh token of a session the thread holds (opened untimed if none); expects 204. */
        LOGOUT("logout"),
        /**
         * A whole sign-in lifecycle as one operation: password grant (200), one refresh (200), logout (204), so
         * that the work of every step, the logout's revocation and audit records included, is in what is timed.
         */
        LIFECYCLE("lifecycle");

        private final String label;

        Operation(String label) {
            this.label = label;
        }

        /** The name the operation's samples carry in the recorder. */
        public String label() {
            return label;
        }
    }

    /** A cookie a returning browser brings along, e.g. the pack's device cookie from an earlier sign-in. */
    public record Cookie(String path, String name, String value) {
    }

    /**
     * Where the load goes: a public client with direct grant and standard flow on, its redirect URI, and users
     * sharing one password. {@code browserCookies} (by username, may be empty) are set in each fresh browser.
     */
    public record Target(String baseUrl, String realm, String clientId, String redirectUri, String password,
                         List<String> usernames, Map<String, Cookie> browserCookies) {

        public Target {
            if (usernames.isEmpty()) {
                throw new IllegalArgumentException("A load target needs users");
            }
            usernames = List.copyOf(usernames);
            browserCookies = Map.copyOf(browserCookies);
        }
    }

    /** The measured window of a run, in seconds from its recorder's origin: summaries use [from, to). */
    public record Window(double fromSeconds, double toSeconds) {

        public double seconds() {
            return toSeconds - fromSeconds;
        }
    }

    private final Target target;
    private final AtomicInteger nextUser = new AtomicInteger();
    private final Map<String, AtomicLong> failureReasons = new ConcurrentHashMap<>();

    public LoadDriver(Target target) {
        this.target = target;
    }

    public Target target() {
        return target;
    }

    /** Runs {@code threads} threads, each cycling through {@code operations}, for {@code duration}. */
    public Window run(LatencyRecorder recorder, List<Operation> operations, int threads, Duration duration) {
        Running running = start(recorder, operations, threads);
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return running.stop();
    }

    /**
     * Starts the threads and returns once they are measuring: every thread that needs a session for its first
     * operation (refresh, logout) has opened it before the window starts.
     */
    public Running start(LatencyRecorder recorder, List<Operation> operations, int threads) {
        if (operations.isEmpty() || threads < 1) {
            throw new IllegalArgumentException("A run needs operations and at least one thread");
        }
        Running running = new Running(recorder, operations, threads);
        running.begin();
        return running;
    }

    /** Failures so far by short reason (status and error code, never a token), e.g. "refresh: 400 invalid_grant". */
    public Map<String, Long> failureReasons() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        failureReasons.forEach((reason, count) -> copy.put(reason, count.get()));
        return copy;
    }

    /** A started run; {@link #stop()} ends it and logs out the sessions it opened. */
    public final class Running {

        private final LatencyRecorder recorder;
        private final List<Operation> operations;
        private final List<Thread> workers = new ArrayList<>();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final CountDownLatch ready;
        private final CountDownLatch go = new CountDownLatch(1);
        private final Queue<String> leftOverSessions = new ConcurrentLinkedQueue<>();
        private double from;

        private Running(LatencyRecorder recorder, List<Operation> operations, int threads) {
            this.recorder = recorder;
            this.operations = List.copyOf(operations);
            this.ready = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Thread worker = new Thread(() -> work(offset), "load-" + target.realm() + "-" + t);
                worker.setDaemon(true);
                workers.add(worker);
            }
        }

        private void begin() {
            workers.forEach(Thread::start);
            try {
                ready.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            from = recorder.elapsedSeconds();
            go.countDown();
        }

        /** Stops the threads after their current operation, then ends every session they still hold. */
        public Window stop() {
            double to = recorder.elapsedSeconds();
            stopping.set(true);
            for (Thread worker : workers) {
                try {
                    worker.join(TimeUnit.MINUTES.toMillis(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            logOutAll(leftOverSessions, workers.size());
            return new Window(from, to);
        }

        private void work(int offset) {
            Deque<String> sessions = new ArrayDeque<>();
            try {
                Operation first = operations.get(offset % operations.size());
                if (first == Operation.REFRESH || first == Operation.LOGOUT) {
                    openUntimed(sessions);
                }
            } finally {
                ready.countDown();
            }
            try {
                go.await();
                for (int i = offset; !stopping.get(); i++) {
                    runOnce(operations.get(i % operations.size()), sessions);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                leftOverSessions.addAll(sessions);
            }
        }

        private void runOnce(Operation operation, Deque<String> sessions) {
            if ((operation == Operation.REFRESH || operation == Operation.LOGOUT) && sessions.isEmpty()) {
                openUntimed(sessions);
                if (sessions.isEmpty()) {
                    return; // counted as a failed password login
                }
            }
            long start = System.nanoTime();
            String failure;
            try {
                failure = switch (operation) {
                    case PASSWORD_LOGIN -> passwordLogin(sessions);
                    case BROWSER_LOGIN -> browserLogin(sessions);
                    case REFRESH -> refresh(sessions);
                    case LOGOUT -> logout(sessions);
                    case LIFECYCLE -> lifecycle(sessions);
                };
            } catch (RuntimeException | AssertionError e) {
                failure = e.getClass().getSimpleName();
            }
            recorder.record(operation.label(), start, System.nanoTime(), failure == null);
            if (failure != null) {
                failureReasons.computeIfAbsent(operation.label() + ": " + failure, k -> new AtomicLong()).incrementAndGet();
            }
        }

        /** A session for a refresh or logout, opened outside the measurement (its failure counts as a login's). */
        private void openUntimed(Deque<String> sessions) {
            try {
                String failure = passwordLogin(sessions);
                if (failure != null) {
                    failureReasons.computeIfAbsent("untimed " + Operation.PASSWORD_LOGIN.label() + ": " + failure,
                            k -> new AtomicLong()).incrementAndGet();
                }
            } catch (RuntimeException e) {
                failureReasons.computeIfAbsent("untimed " + Operation.PASSWORD_LOGIN.label() + ": "
                        + e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    private String nextUsername() {
        List<String> users = target.usernames();
        return users.get(Math.floorMod(nextUser.getAndIncrement(), users.size()));
    }

    /** Null on success; otherwise a short reason. */
    private String passwordLogin(Deque<String> sessions) {
        Response response = Tokens.passwordGrantResponse(target.baseUrl(), target.realm(), target.clientId(),
                nextUsername(), target.password());
        if (response.statusCode() != 200) {
            return reason(response);
        }
        sessions.push(response.path("refresh_token"));
        return null;
    }

    private String browserLogin(Deque<String> sessions) {
        String username = nextUsername();
        // A fresh browser per login: no SSO cookie, so every login shows the form and runs the whole flow.
        BrowserSession browser = new BrowserSession(target.baseUrl());
        Cookie cookie = target.browserCookies().get(username);
        if (cookie != null) {
            browser.cookie(cookie.path(), cookie.name(), cookie.value());
        }
        BrowserSession.LoginPage page = browser.openLoginPage(target.realm(), target.clientId(), target.redirectUri());
        BrowserSession.Outcome outcome = browser.submitCredentials(page, username, target.password());
        if (outcome.code() == null) {
            String body = outcome.body() == null ? "" : outcome.body();
            String shown = body.contains("totpSecret") ? ", OTP setup page"
                    : body.contains("name=\"otp\"") ? ", OTP page" : "";
            return "no code after the credentials (HTTP " + outcome.status() + shown + ")";
        }
        Response tokens = browser.exchangeCodeResponse(page, outcome.code());
        if (tokens.statusCode() != 200) {
            return "code exchange " + reason(tokens);
        }
        sessions.push(tokens.path("refresh_token"));
        return null;
    }

    private String refresh(Deque<String> sessions) {
        Response response = Tokens.refreshResponse(target.baseUrl(), target.realm(), target.clientId(), sessions.pop());
        if (response.statusCode() != 200) {
            return reason(response);
        }
        sessions.push(response.path("refresh_token"));
        return null;
    }

    private String logout(Deque<String> sessions) {
        Response response = Tokens.logoutResponse(target.baseUrl(), target.realm(), target.clientId(), sessions.pop());
        return response.statusCode() == 204 ? null : reason(response);
    }

    /** Login, refresh, logout on a session of its own; a session it could not end is left for the cleanup. */
    private String lifecycle(Deque<String> sessions) {
        Deque<String> own = new ArrayDeque<>();
        String failure = passwordLogin(own);
        if (failure != null) {
            return "login " + failure;
        }
        failure = refresh(own);
        if (failure != null) {
            sessions.addAll(own);
            return "refresh " + failure;
        }
        failure = logout(own);
        return failure == null ? null : "logout " + failure;
    }

    private void logOutAll(Queue<String> refreshTokens, int threads) {
        List<Thread> cleaners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread cleaner = new Thread(() -> {
                for (String token = refreshTokens.poll(); token != null; token = refreshTokens.poll()) {
                    try {
                        Response response = Tokens.logoutResponse(target.baseUrl(), target.realm(), target.clientId(), token);
                        if (response.statusCode() != 204) {
                            failureReasons.computeIfAbsent("cleanup logout: " + reason(response), k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failureReasons.computeIfAbsent("cleanup logout: " + e.getClass().getSimpleName(),
                                k -> new AtomicLong()).incrementAndGet();
                    }
                }
            }, "load-cleanup-" + t);
            cleaner.start();
            cleaners.add(cleaner);
        }
        for (Thread cleaner : cleaners) {
            try {
                cleaner.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Status and OAuth error code only: error descriptions and bodies may echo what the client sent. */
    private static String reason(Response response) {
        String error = null;
        try {
            error = response.path("error");
        } catch (RuntimeException e) {
            // not JSON
        }
        return response.statusCode() + (error == null ? "" : " " + error);
    }
}
