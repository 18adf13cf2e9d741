package io.keycloakguard.compat.check;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The build's compatibility check: links every class of the bundle against the jars of each supported Keycloak
 * release, as the JVM would, and fails when one would fail to link there ({@link Linker} says which failures).
 * Guarded references (a {@code switch} over an enum constant a release lacks) are listed in the report, not failed.
 *
 * <pre>
 * LinkageCheck --bundle keycloak-guard.jar --scan io/keycloakguard/ --skip io/keycloakguard/shaded/
 *              --checked org/keycloak/,jakarta/ws/rs/ --release 26.4.7=target/releases/26.4.7 ... [--report file]
 * </pre>
 */
public final class LinkageCheck {

    private LinkageCheck() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, List<String>> options = parse(args);
        Path bundle = Path.of(single(options, "--bundle"));
        List<String> scan = split(options, "--scan");
        List<String> skip = split(options, "--skip");
        List<String> checked = split(options, "--checked");
        Map<String, Path> releases = new LinkedHashMap<>();
        for (String r : options.getOrDefault("--release", List.of())) {
            int eq = r.indexOf('=');
            releases.put(r.substring(0, eq), Path.of(r.substring(eq + 1)));
        }
        if (releases.isEmpty()) {
            throw new IllegalArgumentException("No --release name=dir given");
        }

        List<ClassNode> pack = readPack(bundle, name -> startsWithAny(name, scan) && !startsWithAny(name, skip));
        StringBuilder report = new StringBuilder();
        Map<String, List<Linker.Finding>> problems = new LinkedHashMap<>();
        for (Map.Entry<String, Path> release : releases.entrySet()) {
            if (!Files.isDirectory(release.getValue())) {
                throw new IllegalStateException("No jars of Keycloak " + release.getKey() + " at " + release.getValue());
            }
            List<Linker.Finding> findings = new ArrayList<>();
            try (ClassIndex index = ClassIndex.of(bundle, release.getValue())) {
                Linker linker = new Linker(index, name -> startsWithAny(name, checked),
                        name -> startsWithAny(name, scan));
                for (ClassNode c : pack) {
                    findings.addAll(linker.check(c));
                }
            }
            List<Linker.Finding> failing = findings.stream().filter(f -> !f.guarded()).distinct().toList();
            List<Linker.Finding> guarded = findings.stream().filter(Linker.Finding::guarded).distinct().toList();
            problems.put(release.getKey(), failing);
            report.append(String.format("Keycloak %s: %d classes of the pack, %d problems, %d guarded references%n",
                    release.getKey(), pack.size(), failing.size(), guarded.size()));
            failing.forEach(f -> report.append("  PROBLEM ").append(f).append('\n'));
            guarded.forEach(f -> report.append("  guarded ").append(f).append('\n'));
        }
        System.out.print(report);
        if (options.containsKey("--report")) {
            Path file = Path.of(single(options, "--report"));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, report);
        }
        long total = problems.values().stream().mapToLong(List::size).sum();
        if (total > 0) {
            StringBuilder message = new StringBuilder("The bundle uses what a supported Keycloak release lacks ("
                    + total + " problems; look it up by name at start-up, see core's KeycloakCapabilities):");
            problems.forEach((release, list) -> list.forEach(f -> message.append("\n  ").append(release).append(": ")
                    .append(f)));
            throw new IllegalStateException(message.toString());
        }
    }

    static List<ClassNode> readPack(Path bundle, Predicate<String> include) throws IOException {
        List<ClassNode> classes = new ArrayList<>();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/")
                        || !include.test(name.substring(0, name.length() - ".class".length()))) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    ClassNode node = new ClassNode();
                    new ClassReader(in.readAllBytes()).accept(node, ClassReader.SKIP_FRAMES);
                    classes.add(node);
                }
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("No classes of the pack in " + bundle);
        }
        return classes;
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        return prefixes.stream().anyMatch(name::startsWith);
    }

    private static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[i + 1]);
        }
        return options;
    }

    private static String single(Map<String, List<String>> options, String key) {
        List<String> values = options.get(key);
        if (values == null || values.size() != 1) {
            throw new IllegalArgumentException("Expected one " + key);
        }
        return values.get(0);
    }

    private static List<String> split(Map<String, List<String>> options, String key) {
        return options.getOrDefault(key, List.of()).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split("[,\\s]+")))
                .filter(s -> !s.isBlank()).toList();
    }
}
