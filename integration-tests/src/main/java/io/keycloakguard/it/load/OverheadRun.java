package io.keycloakguard.it.load;

import io.keycloakguard.it.load.LoadDriver.Operation;
import io.keycloakguard.it.load.LoadDriver.Window;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Pack versus stock on one Keycloak, measured alternately: a warm-up of every operation on both realms, then
 * rounds in which each operation runs for the same time on one realm and then on the other, the order swapped
 * every round so that neither realm always runs on the warmer (or busier) machine.
 */
public final class OverheadRun {

    /** What the overhead benchmark measures, in this order. */
    public static final List<Operation> OPERATIONS = List.of(Operation.PASSWORD_LOGIN, Operation.BROWSER_LOGIN,
            Operation.REFRESH, Operation.LIFECYCLE);

    /** The login load other benchmarks run beside their measurement (no logouts of its own). */
    public static final List<Operation> LOGIN_LOAD = List.of(Operation.PASSWORD_LOGIN, Operation.BROWSER_LOGIN,
            Operation.REFRESH);

    public record Settings(int threads, Duration warmUp, int rounds, Duration phase) {
    }

    /** Pack and stock figures of one operation over all rounds, and each round on its own. */
    public record Comparison(Operation operation, LatencyRecorder.Summary pack, LatencyRecorder.Summary stock,
                             List<LatencyRecorder.Summary> packRounds, List<LatencyRecorder.Summary> stockRounds) {

        /** Throughput pack ÷ stock: the goal is at least 0.97. */
        public double throughputRatio() {
            return pack.throughput() / stock.throughput();
        }

        public double p50Ratio() {
            return pack.p50() / stock.p50();
        }

        public double p99Ratio() {
            return pack.p99() / stock.p99();
        }
    }

    private final LoadDriver pack;
    private final LoadDriver stock;
    private final LatencyRecorder packRecorder = new LatencyRecorder();
    private final LatencyRecorder stockRecorder = new LatencyRecorder();
    private final LatencyRecorder warmUpRecorder = new LatencyRecorder();
    private final Map<Operation, List<Window>> packWindows = new EnumMap<>(Operation.class);
    private final Map<Operation, List<Window>> stockWindows = new EnumMap<>(Operation.class);

    public OverheadRun(LoadDriver pack, LoadDriver stock) {
        this.pack = pack;
        this.stock = stock;
    }

    public LoadDriver pack() {
        return pack;
    }

    public LoadDriver stock() {
        return stock;
    }

    /** Runs warm-up and rounds; returns one comparison per operation of {@link #OPERATIONS}. */
    public List<Comparison> run(Settings settings) {
        for (Operation operation : OPERATIONS) {
            pack.run(warmUpRecorder, List.of(operation), settings.threads(), settings.warmUp());
            stock.run(warmUpRecorder, List.of(operation), settings.threads(), settings.warmUp());
        }
        for (int round = 0; round < settings.rounds(); round++) {
            boolean packFirst = round % 2 == 0;
            for (Operation operation : OPERATIONS) {
                for (boolean packTurn : packFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    LoadDriver driver = packTurn ? pack : stock;
                    Window window = driver.run(packTurn ? packRecorder : stockRecorder, List.of(operation),
                            settings.threads(), settings.phase());
                    (packTurn ? packWindows : stockWindows).computeIfAbsent(operation, k -> new ArrayList<>()).add(window);
                }
            }
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (Operation operation : OPERATIONS) {
            List<Window> p = packWindows.getOrDefault(operation, List.of());
            List<Window> s = stockWindows.getOrDefault(operation, List.of());
            comparisons.add(new Comparison(operation, summaryOver(packRecorder, operation, p),
                    summaryOver(stockRecorder, operation, s),
                    p.stream().map(w -> packRecorder.summary(operation.label(), w.fromSeconds(), w.toSeconds())).toList(),
                    s.stream().map(w -> stockRecorder.summary(operation.label(), w.fromSeconds(), w.toSeconds())).toList()));
        }
        return comparisons;
    }

    /** Operations of the warm-up, which are not part of any comparison (their failures still are worth a look). */
    public LatencyRecorder warmUpRecorder() {
        return warmUpRecorder;
    }

    /** One summary over several windows: throughput over their summed length, percentiles over all their samples. */
    static LatencyRecorder.Summary summaryOver(LatencyRecorder recorder, Operation operation, List<Window> windows) {
        List<LatencyRecorder.Sample> inside = samplesIn(recorder, operation, windows);
        long[] ok = inside.stream().filter(LatencyRecorder.Sample::ok).mapToLong(LatencyRecorder.Sample::durationNanos)
                .sorted().toArray();
        double seconds = windows.stream().mapToDouble(Window::seconds).sum();
        return new LatencyRecorder.Summary(operation.label(), inside.size(), ok.length, seconds,
                LatencyRecorder.percentile(ok, 50), LatencyRecorder.percentile(ok, 90), LatencyRecorder.percentile(ok, 99),
                ok.length == 0 ? Double.NaN : ok[ok.length - 1] / 1e6);
    }

    private static List<LatencyRecorder.Sample> samplesIn(LatencyRecorder recorder, Operation operation,
                                                          List<Window> windows) {
        return recorder.samples(operation.label()).stream()
                .filter(sample -> windows.stream().anyMatch(w -> sample.startNanos() >= (long) (w.fromSeconds() * 1e9)
                        && sample.startNanos() < (long) (w.toSeconds() * 1e9)))
                .toList();
    }

    /** The comparison as a Markdown table, ready for docs/benchmarks.md. */
    public static String markdownTable(List<Comparison> comparisons) {
        StringBuilder table = new StringBuilder();
        table.append("| operation | pack /s | stock /s | throughput pack ÷ stock | pack p50 (ms) | stock p50 (ms) ")
                .append("| pack p99 (ms) | stock p99 (ms) | p99 pack ÷ stock | failed (pack / stock) |\n");
        table.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Comparison c : comparisons) {
            table.append(String.format("| %s | %.1f | %.1f | **%.3f** | %.2f | %.2f | %.2f | %.2f | %.2f | %d / %d |%n",
                    c.operation().label(), c.pack().throughput(), c.stock().throughput(), c.throughputRatio(),
                    c.pack().p50(), c.stock().p50(), c.pack().p99(), c.stock().p99(), c.p99Ratio(),
                    c.pack().failed(), c.stock().failed()));
        }
        return table.toString();
    }

    /** Each round's throughput per realm, to show how much the rounds vary. */
    public static String roundsTable(List<Comparison> comparisons) {
        StringBuilder table = new StringBuilder("| operation | round | pack /s | stock /s | pack p99 (ms) | stock p99 (ms) |\n")
                .append("| --- | --- | --- | --- | --- | --- |\n");
        for (Comparison c : comparisons) {
            for (int r = 0; r < c.packRounds().size(); r++) {
                LatencyRecorder.Summary p = c.packRounds().get(r);
                LatencyRecorder.Summary s = c.stockRounds().get(r);
                table.append(String.format("| %s | %d | %.1f | %.1f | %.2f | %.2f |%n", c.operation().label(), r + 1,
                        p.throughput(), s.throughput(), p.p99(), s.p99()));
            }
        }
        return table.toString();
    }

    /**
     * Latency by percentile (log scale) of every operation, pack and stock: all successful samples of the
     * measured rounds, so the whole distribution is compared, not only p50 and p99.
     */
    public void writePercentilePlot(List<Comparison> comparisons, String title, Path png) throws IOException {
        LatencyPlot plot = new LatencyPlot(title, "percentile", "latency (ms, log scale)").logY();
        for (Comparison c : comparisons) {
            plot.series("pack " + c.operation().label(), percentileCurve(
                    samplesIn(packRecorder, c.operation(), packWindows.getOrDefault(c.operation(), List.of()))));
            plot.series("stock " + c.operation().label(), percentileCurve(
                    samplesIn(stockRecorder, c.operation(), stockWindows.getOrDefault(c.operation(), List.of()))));
        }
        plot.write(png);
    }

    private static List<double[]> percentileCurve(List<LatencyRecorder.Sample> samples) {
        long[] ok = samples.stream().filter(LatencyRecorder.Sample::ok)
                .mapToLong(LatencyRecorder.Sample::durationNanos).sorted().toArray();
        List<double[]> points = new ArrayList<>();
        for (double p = 1; p <= 99; p += 1) {
            points.add(new double[] {p, LatencyRecorder.percentile(ok, p)});
        }
        points.add(new double[] {99.5, LatencyRecorder.percentile(ok, 99.5)});
        points.add(new double[] {99.9, LatencyRecorder.percentile(ok, 99.9)});
        points.add(new double[] {100, LatencyRecorder.percentile(ok, 100)});
        return points;
    }
}
