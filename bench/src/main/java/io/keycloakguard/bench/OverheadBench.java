package io.keycloakguard.bench;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.load.LatencyRecorder;
import io.keycloakguard.it.load.LoadDriver;
import io.keycloakguard.it.load.OverheadRealms;
import io.keycloakguard.it.load.OverheadRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pack versus stock on one Keycloak: password-grant logins/s, browser logins/s, refreshes/s and whole lifecycles/s
 * (password login, refresh, logout) with p50/p99, the
 * pack realm and its stock twin measured alternately in one run (see {@link OverheadRun} and
 * {@link OverheadRealms} for what each realm contains). The headline run uses Keycloak's default password
 * hashing; {@code -Dhash=both} (the default) adds a run on a second realm pair with a cheap hash, where the
 * password hash no longer hides the rest of a login's cost. Writes a percentile plot per run to bench/target.
 */
public final class OverheadBench {

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("threads", 2);
        int users = Integer.getInteger("users", 100);
        int rounds = Integer.getInteger("rounds", 3);
        Duration warmUp = Duration.ofSeconds(Integer.getInteger("warmupSeconds", 10));
        Duration phase = Duration.ofSeconds(Integer.getInteger("phaseSeconds", 15));
        String hash = System.getProperty("hash", "both");
        List<OverheadRealms.Hashing> modes = switch (hash) {
            case "default" -> List.of(OverheadRealms.Hashing.KEYCLOAK_DEFAULT);
            case "cheap" -> List.of(OverheadRealms.Hashing.CHEAP);
            case "both" -> List.of(OverheadRealms.Hashing.KEYCLOAK_DEFAULT, OverheadRealms.Hashing.CHEAP);
            default -> throw new IllegalArgumentException("-Dhash=default|cheap|both, not " + hash);
        };
        Path target = Path.of(System.getProperty("bench.output", "target"));
        Files.createDirectories(target);

        List<String> reports = new ArrayList<>();
        try (GuardEnvironment env = GuardEnvironment.start("bench-overhead")) {
            for (OverheadRealms.Hashing hashing : modes) {
                String tag = hashing == OverheadRealms.Hashing.CHEAP ? "cheap" : "default";
                String packRealm = "overhead-pack-" + tag;
                String stockRealm = "overhead-stock-" + tag;
                long setupStart = System.nanoTime();
                LoadDriver.Target pack = OverheadRealms.pack(env.admin(), env.baseUrl(), packRealm, users, hashing);
                LoadDriver.Target stock = OverheadRealms.stock(env.admin(), env.baseUrl(), stockRealm, users, hashing);
                String algorithm = OverheadRealms.passwordAlgorithm(env.admin(), packRealm, pack.usernames().get(0));
                System.out.printf("[bench] %s: realms %s and %s with %d users each (password hash %s) ready in %.0f s%n",
                        hashing.description(), packRealm, stockRealm, users, algorithm,
                        (System.nanoTime() - setupStart) / 1e9);

                String loadBefore = loadAverage();
                long runStart = System.nanoTime();
                OverheadRun run = new OverheadRun(new LoadDriver(pack), new LoadDriver(stock));
                List<OverheadRun.Comparison> comparisons = run.run(new OverheadRun.Settings(threads, warmUp, rounds, phase));
                String loadAfter = loadAverage();
                Path png = target.resolve("overhead-" + tag + ".png").toAbsolutePath();
                run.writePercentilePlot(comparisons, String.format(Locale.ROOT,
                        "Pack vs stock, %s: latency by percentile (%d threads, %d rounds x %d s)",
                        hashing.description(), threads, rounds, phase.toSeconds()), png);

                StringBuilder report = new StringBuilder();
                report.append(String.format("%n### %s (password hash: %s)%n%n", hashing.description(), algorithm));
                report.append(String.format("%d client threads, %d users per realm, warm-up %d s per operation and realm, "
                                + "%d rounds x %d s per operation and realm (order swapped each round), %.0f s in all; "
                                + "load average before %s, after %s.%n%n",
                        threads, users, warmUp.toSeconds(), rounds, phase.toSeconds(),
                        (System.nanoTime() - runStart) / 1e9, loadBefore, loadAfter));
                report.append(OverheadRun.markdownTable(comparisons)).append('\n');
                report.append(OverheadRun.roundsTable(comparisons)).append('\n');
                report.append("Plot: ").append(png).append('\n');
                report.append("Failures: pack ").append(run.pack().failureReasons()).append(", stock ")
                        .append(run.stock().failureReasons()).append(", warm-up failed operations ")
                        .append(warmUpFailures(run.warmUpRecorder())).append('\n');
                reports.add(report.toString());
                System.out.println(report);
            }
        }
        System.out.printf("%n## Overhead: pack vs stock (%d cores, %s)%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        reports.forEach(System.out::println);
    }

    private static long warmUpFailures(LatencyRecorder recorder) {
        return recorder.operations().stream().mapToLong(op -> recorder.summary(op).failed()).sum();
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
