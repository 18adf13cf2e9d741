package io.keycloakguard.bench;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.load.LatencyRecorder;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The soak's mixed load: each thread runs journeys (a login by password grant or, every {@code browserEvery}-th,
 * through the browser flow; two refreshes; a logout) one after another, all through the {@link SoakBalancer}.
 * <p>
 * A logout whose first attempt died with its node and whose retry on the other node is refused (400) may have
 * been committed by the dead node: the user's sessions (admin API) decide. If the session is gone, it counts
 * as logged out (and the end check demands its revocation like any other); otherwise as a failed logout.
 * <p>
 * The first journey of every fourth user leaves its session open: the control group, whose tokens the revocation
 * client must still accept at the end.
 */
final class SoakLoad {

    static final String PASSWORD_LOGIN = "password login";
    static final String BROWSER_LOGIN = "browser login";
    static final String REFRESH = "refresh";
    static final String LOGOUT = "logout";
    static final List<String> OPERATIONS = List.of(PASSWORD_LOGIN, BROWSER_LOGIN, REFRESH, LOGOUT);

    static final String PASSWORD = "Correct-horse-42";
    static final String REDIRECT = "http://127.0.0.1:3000/callback";

    /** A session the load logged out, or left open; {@code claims} are those of its last access token. */
    record Session(String user, Map<String, Object> claims, boolean committedByDeadNode) {
    }

    /** What one request (after any retry on the other node) came to. */
    private record Result(boolean ok, int status, Map<String, Object> tokens, String problem, boolean diedInFlight) {

        static Result of(Response response, int expected) {
            boolean ok = response.statusCode() == expected;
            return new Result(ok, response.statusCode(), ok && expected == 200 ? response.as(Map.class) : null,
                    ok ? null : response.statusCode() + " " + abbreviate(response.asString()),
                    response.header(SoakBalancer.RETRIED_AFTER_DEATH) != null);
        }
    }

    private final String baseUrl;
    private final BiPredicate<String, String> sessionExists;
    private final String realm;
    private final String client;
    private final List<String> users;
    private final int browserEvery;
    private final LatencyRecorder recorder;
    private final AtomicLong nextJourney = new AtomicLong();
    private final Map<String, AtomicBoolean> controlTaken = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    final Queue<Session> loggedOut = new ConcurrentLinkedQueue<>();
    final Queue<Session> keptOpen = new ConcurrentLinkedQueue<>();
    /** Failures by operation and answer (numbers masked), with the times (s) they happened. */
    final Map<String, Queue<Double>> problems = new ConcurrentHashMap<>();

    /** {@code sessionExists} answers (user, session id) from Keycloak's admin API. */
    SoakLoad(String baseUrl, String realm, String client, List<String> users, int browserEvery,
             LatencyRecorder recorder, BiPredicate<String, String> sessionExists) {
        this.baseUrl = baseUrl;
        this.sessionExists = sessionExists;
        this.realm = realm;
        this.client = client;
        this.users = List.copyOf(users);
        this.browserEvery = browserEvery;
        this.recorder = recorder;
        users.forEach(u -> controlTaken.put(u, new AtomicBoolean()));
    }

    /** Starts {@code count} threads that run journeys until {@code deadlineNanoTime}. */
    void start(int count, long deadlineNanoTime) {
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < deadlineNanoTime) {
                    journey(nextJourney.getAndIncrement());
                }
            }, "soak-load-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    void join() throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    long journeys() {
        return nextJourney.get();
    }

    private void journey(long n) {
        // Consecutive journeys take different users: one user rarely has two logins in flight.
        int index = (int) (n % users.size());
        String user = users.get(index);
        boolean control = index % 4 == 0 && controlTaken.get(user).compareAndSet(false, true);
        boolean browser = n % browserEvery == browserEvery - 1;
        Result login = timed(browser ? BROWSER_LOGIN : PASSWORD_LOGIN,
                browser ? base -> browserLogin(base, user) : base -> Result.of(
                        Tokens.passwordGrantResponse(base, realm, client, user, PASSWORD), 200));
        if (!login.ok()) {
            return;
        }
        Object refreshToken = login.tokens().get("refresh_token");
        Object accessToken = login.tokens().get("access_token");
        for (int i = 0; i < 2; i++) {
            Object current = refreshToken;
            Result refresh = timed(REFRESH, base -> Result.of(Tokens.refreshResponse(base, realm, client, current), 200));
            if (refresh.ok()) {
                refreshToken = refresh.tokens().get("refresh_token");
                accessToken = refresh.tokens().get("access_token");
            }
        }
        Map<String, Object> claims = Tokens.claims((String) accessToken);
        if (control) {
            keptOpen.add(new Session(user, claims, false));
            return;
        }
        Object last = refreshToken;
        Result logout = timed(LOGOUT, base -> Result.of(Tokens.logoutResponse(base, realm, client, last), 204));
        if (logout.ok()) {
            loggedOut.add(new Session(user, claims, false));
        } else if (logout.diedInFlight() && logout.status() == 400
                && !sessionExists.test(user, (String) claims.get("sid"))) {
            loggedOut.add(new Session(user, claims, true));
        } else {
            problem(LOGOUT, logout);
        }
    }

    private Result browserLogin(String base, String user) {
        try {
            Map<String, Object> tokens = new BrowserSession(base).login(realm, client, REDIRECT, user, PASSWORD);
            return new Result(true, 200, tokens, null, false);
        } catch (AssertionError | RuntimeException e) {
            return new Result(false, 0, null, abbreviate(e.getMessage()), false);
        }
    }

    /** Sends a request through the balancer, records its latency (a retry on the other node included). */
    private Result timed(String operation, Function<String, Result> request) {
        long started = System.nanoTime();
        Result result;
        try {
            result = request.apply(baseUrl);
        } catch (Exception e) {
            // The balancer itself did not answer: nothing a retry would change, a failure of the run.
            result = new Result(false, 0, null, e.getClass().getSimpleName() + ": " + abbreviate(e.getMessage()), false);
        }
        recorder.record(operation, started, System.nanoTime(), result.ok());
        if (!result.ok() && !LOGOUT.equals(operation)) {
            problem(operation, result);
        }
        return result;
    }

    private void problem(String operation, Result result) {
        problems.computeIfAbsent(operation + ": " + result.problem().replaceAll("\\d+", "N"),
                k -> new ConcurrentLinkedQueue<>()).add(recorder.elapsedSeconds());
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String line = s.replaceAll("\\s+", " ");
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }
}
