package io.keycloakguard.bench;

import io.keycloakguard.revocation.FeedState;
import io.keycloakguard.revocation.contract.Heartbeat;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKind;
import io.keycloakguard.revocation.RevocationSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The resource server's check with N live revocations (a fifth of each kind): {@code RevocationSet.isRevoked}, and
 * {@code failClosed} the whole check a fail-closed {@code RevocationClient} makes (staleness from the heartbeat, then
 * the set). "miss" is the common case: a valid token of a user nothing was revoked for.
 * Run: {@code java -jar bench/target/benchmarks.jar IsRevoked -p liveRevocations=100000}
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IsRevokedBenchmark {

    @Param({"1000", "100000"})
    int liveRevocations;

    private RevocationSet set;
    private FeedState feed;
    private Map<String, Object> validClaims;
    private Map<String, Object> revokedSessionClaims;
    private Map<String, Object> revokedUserClaims;

    @Setup(Level.Trial)
    public void fill() {
        set = new RevocationSet();
        feed = new FeedState();
        long now = System.currentTimeMillis() / 1000;
        List<String> records = new ArrayList<>();
        for (int i = 0; i < liveRevocations; i++) {
            RevocationKind kind = RevocationKind.values()[i % RevocationKind.values().length];
            String client = kind == RevocationKind.CLIENT_GRANT ? "app-" + (i % 50) : null;
            Revocation r = Revocation.of("bench", kind, kind.wireName() + "-" + i, client, now, now + 900, "bench");
            set.apply(r);
            records.add(r.toJson());
        }
        feed.loadSnapshot("0-0", records, now);
        feed.observeHeartbeat(new Heartbeat(System.currentTimeMillis() + 3_600_000, "0-0", 0, "bench", 2));
        validClaims = claims("jti-valid", "sid-valid", "user-valid", "app-1", now);
        revokedSessionClaims = claims("jti-x", "session-4", "user-x", "app-1", now);
        revokedUserClaims = claims("jti-y", "sid-y", "user-1", "app-1", now - 10);
    }

    private static Map<String, Object> claims(String jti, String sid, String sub, String azp, long iat) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("jti", jti);
        claims.put("sid", sid);
        claims.put("sub", sub);
        claims.put("azp", azp);
        claims.put("iat", iat);
        return claims;
    }

    /** What RevocationClient.isRevoked does when built fail-closed: read the clock, compare, then the set. */
    @Benchmark
    public boolean failClosedMiss() {
        return feed.stalenessMillis(System.currentTimeMillis()) > 10_000 || feed.isRevoked(validClaims);
    }

    @Benchmark
    public boolean miss() {
        return set.isRevoked(validClaims);
    }

    @Benchmark
    public boolean hitSession() {
        return set.isRevoked(revokedSessionClaims);
    }

    @Benchmark
    public boolean hitUser() {
        return set.isRevoked(revokedUserClaims);
    }
}
