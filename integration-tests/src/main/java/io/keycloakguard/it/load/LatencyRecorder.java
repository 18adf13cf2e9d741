package io.keycloakguard.it.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every timed operation of a load run, by operation name: when it started (relative to the recorder's creation),
 * how long it took and whether it succeeded. Summaries and per-interval timelines are computed from the raw samples,
 * so percentiles are exact, not estimated.
 */
public final class LatencyRecorder {

    /** One operation. {@code startNanos} is relative to the recorder's origin. */
    public record Sample(long startNanos, long durationNanos, boolean ok) {
    }

    /** Counts and latency percentiles (milliseconds) of the successful operations of one kind. */
    public record Summary(String operation, long attempted, long succeeded, double seconds, double p50, double p90,
                          double p99, double max) {

        public long failed() {
            return attempted - succeeded;
        }

        /** Successful operations per second over {@code seconds}. */
        public double throughput() {
            return seconds <= 0 ? 0 : succeeded / seconds;
        }

        @Override
        public String toString() {
            return String.format("%-16s %7d ok %5d failed %8.1f/s  p50 %7.2f  p90 %7.2f  p99 %7.2f  max %8.2f ms",
                    operation, succeeded, failed(), throughput(), p50, p90, p99, max);
        }
    }

    /** One interval of a timeline: its start (seconds from the origin), operations that completed, p50/p99 in ms. */
    public record Bucket(double startSeconds, long succeeded, long failed, double p50, double p99) {
    }

    private final long origin = System.nanoTime();
    private final Map<String, ConcurrentLinkedQueue<Sample>> samples = new ConcurrentHashMap<>();

    public long origin() {
        return origin;
    }

    /** Seconds since this recorder was created. */
    public double elapsedSeconds() {
        return (System.nanoTime() - origin) / 1e9;
    }

    public void record(String operation, long startedAtNanoTime, long endedAtNanoTime, boolean ok) {
        samples.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>())
                .add(new Sample(startedAtNanoTime - origin, endedAtNanoTime - startedAtNanoTime, ok));
    }

    public List<String> operations() {
        return new ArrayList<>(new TreeMap<>(samples).keySet());
    }

    public List<Sample> samples(String operation) {
        return new ArrayList<>(samples.getOrDefault(operation, new ConcurrentLinkedQueue<>()));
    }

    /** Summary of the operations that started within [fromSeconds, toSeconds). */
    public Summary summary(String operation, double fromSeconds, double toSeconds) {
        long from = (long) (fromSeconds * 1e9);
        long to = (long) (toSeconds * 1e9);
        List<Sample> window = samples(operation).stream().filter(s -> s.startNanos() >= from && s.startNanos() < to).toList();
        long[] ok = window.stream().filter(Sample::ok).mapToLong(Sample::durationNanos).sorted().toArray();
        return new Summary(operation, window.size(), ok.length, toSeconds - fromSeconds, percentile(ok, 50),
                percentile(ok, 90), percentile(ok, 99), ok.length == 0 ? Double.NaN : ok[ok.length - 1] / 1e6);
    }

    public Summary summary(String operation) {
        return summary(operation, 0, elapsedSeconds());
    }

    /** Operations grouped by the interval they started in. */
    public List<Bucket> timeline(String operation, double bucketSeconds) {
        long width = (long) (bucketSeconds * 1e9);
        Map<Long, List<Sample>> byBucket = new TreeMap<>();
        for (Sample s : samples(operation)) {
            byBucket.computeIfAbsent(s.startNanos() / width, k -> new ArrayList<>()).add(s);
        }
        List<Bucket> buckets = new ArrayList<>();
        for (Map.Entry<Long, List<Sample>> e : byBucket.entrySet()) {
            long[] ok = e.getValue().stream().filter(Sample::ok).mapToLong(Sample::durationNanos).sorted().toArray();
            buckets.add(new Bucket(e.getKey() * bucketSeconds, ok.length, e.getValue().size() - ok.length,
                    percentile(ok, 50), percentile(ok, 99)));
        }
        return buckets;
    }

    /** Nearest-rank percentile of sorted nanos, in milliseconds; NaN when empty. */
    public static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e6;
    }

    public static double percentileOfUnsorted(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return percentile(sorted, p);
    }
}
