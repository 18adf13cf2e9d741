package io.keycloakguard.it.sessionlimits;

import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** Fires logins at once from many threads, released together by a latch. */
final class ParallelLogins {

    record Result(int succeeded, int refusedByLimit, List<String> other) {
    }

    private ParallelLogins() {
    }

    static Result run(int parallel, Supplier<Response> login) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return login.get();
                }));
            }
            start.countDown();
            int ok = 0;
            int refused = 0;
            List<String> other = new ArrayList<>();
            for (Future<Response> f : futures) {
                Response r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                } else if (r.statusCode() == 400 && r.asString().contains("Session limit reached")) {
                    refused++;
                } else {
                    other.add(r.statusCode() + " " + r.asString());
                }
            }
            return new Result(ok, refused, other);
        } finally {
            pool.shutdownNow();
        }
    }
}
