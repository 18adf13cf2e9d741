package io.keycloakguard.compat.check;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The classes of one runtime: the bundle, the jars a Keycloak release ships, and the running JDK. A class is
 * looked up by its internal name ({@code org/keycloak/events/EventType}); only its declarations are read.
 */
final class ClassIndex implements AutoCloseable {

    /** A class's declarations: what linking against it needs. */
    record ClassInfo(String name, int access, String superName, List<String> interfaces,
                     Map<String, Integer> methods, Map<String, Integer> fields) {

        boolean isInterface() {
            return (access & Opcodes.ACC_INTERFACE) != 0;
        }

        static String key(String name, String descriptor) {
            return name + descriptor;
        }
    }

    private final List<Function<String, byte[]>> sources;
    private final List<ZipFile> open;
    private final Map<String, Optional<ClassInfo>> cache = new HashMap<>();

    ClassIndex(List<Function<String, byte[]>> sources, List<ZipFile> open) {
        this.sources = sources;
        this.open = open;
    }

    /** The bundle's classes, every jar under {@code releaseDir}, then the JDK's classes. */
    static ClassIndex of(Path bundle, Path releaseDir) throws IOException {
        List<ZipFile> zips = new ArrayList<>();
        zips.add(new ZipFile(bundle.toFile()));
        try (Stream<Path> walk = Files.walk(releaseDir)) {
            for (Path jar : walk.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                zips.add(new ZipFile(jar.toFile()));
            }
        }
        List<Function<String, byte[]>> sources = new ArrayList<>();
        for (ZipFile zip : zips) {
            sources.add(name -> read(zip, name));
        }
        sources.add(ClassIndex::jdk);
        return new ClassIndex(sources, zips);
    }

    Optional<ClassInfo> find(String name) {
        return cache.computeIfAbsent(name, n -> {
            for (Function<String, byte[]> source : sources) {
                byte[] bytes = source.apply(n);
                if (bytes != null) {
                    return Optional.of(parse(bytes));
                }
            }
            return Optional.empty();
        });
    }

    static ClassInfo parse(byte[] bytes) {
        Map<String, Integer> methods = new HashMap<>();
        Map<String, Integer> fields = new HashMap<>();
        String[] header = new String[2];
        int[] access = new int[1];
        List<String> interfaces = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int acc, String name, String signature, String superName, String[] ifaces) {
                header[0] = name;
                header[1] = superName;
                access[0] = acc;
                if (ifaces != null) {
                    interfaces.addAll(List.of(ifaces));
                }
            }

            @Override
            public FieldVisitor visitField(int acc, String name, String descriptor, String signature, Object value) {
                fields.put(ClassInfo.key(name, descriptor), acc);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int acc, String name, String descriptor, String signature, String[] ex) {
                methods.put(ClassInfo.key(name, descriptor), acc);
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassInfo(header[0], access[0], header[1], List.copyOf(interfaces), methods, fields);
    }

    /** The declarations of a class already read in full (one of the pack's). */
    static ClassInfo parseNode(org.objectweb.asm.tree.ClassNode c) {
        Map<String, Integer> methods = new HashMap<>();
        Map<String, Integer> fields = new HashMap<>();
        c.methods.forEach(m -> methods.put(ClassInfo.key(m.name, m.desc), m.access));
        c.fields.forEach(f -> fields.put(ClassInfo.key(f.name, f.desc), f.access));
        return new ClassInfo(c.name, c.access, c.superName, List.copyOf(c.interfaces), methods, fields);
    }

    private static byte[] read(ZipFile zip, String name) {
        ZipEntry entry = zip.getEntry(name + ".class");
        if (entry == null) {
            return null;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name + " from " + zip.getName(), e);
        }
    }

    /** The running JDK's own classes (the pack compiles with --release 17; javac checks those). */
    static byte[] jdk(String name) {
        if (!(name.startsWith("java/") || name.startsWith("javax/") || name.startsWith("jdk/"))) {
            return null;
        }
        try (InputStream in = ClassLoader.getSystemResourceAsStream(name + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        for (ZipFile zip : open) {
            zip.close();
        }
    }
}
