package io.keycloakguard.compat.check;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The linker on classes made here with ASM: a "Keycloak" of two releases (an enum that gains a constant, an
 * interface that gains an abstract method, a class that becomes a record-like class with accessors) and "pack"
 * classes that use them the ways javac compiles them.
 */
class LinkerTest {

    private static final String EVENT_TYPE = "org/keycloak/events/EventType";
    private static final String SPI = "org/keycloak/provider/Thing";
    private static final String AUTH_RESULT = "org/keycloak/services/AuthResult";

    /** Keycloak "26.4": EventType without USER_SESSION_DELETED, Thing with one method, AuthResult with getters. */
    private static Map<String, byte[]> oldRelease() {
        Map<String, byte[]> classes = new HashMap<>();
        classes.put(EVENT_TYPE, enumClass("LOGIN", "LOGOUT"));
        classes.put(SPI, interfaceWith("close"));
        classes.put(AUTH_RESULT, classWith("getUser"));
        return classes;
    }

    /** Keycloak "26.5": the constant, a new abstract method on the interface, record accessors. */
    private static Map<String, byte[]> newRelease() {
        Map<String, byte[]> classes = new HashMap<>();
        classes.put(EVENT_TYPE, enumClass("LOGIN", "LOGOUT", "USER_SESSION_DELETED"));
        classes.put(SPI, interfaceWith("close", "describe"));
        classes.put(AUTH_RESULT, classWith("getUser", "user"));
        return classes;
    }

    @Test
    void aConstantOutsideASwitchFailsOnTheReleaseWithoutIt() {
        ClassNode pack = packClass("io/keycloakguard/A", mv -> {
            mv.visitFieldInsn(Opcodes.GETSTATIC, EVENT_TYPE, "USER_SESSION_DELETED", "L" + EVENT_TYPE + ";");
            mv.visitInsn(Opcodes.POP);
        });
        List<Linker.Finding> old = check(oldRelease(), pack);
        assertEquals(1, old.size(), old.toString());
        assertFalse(old.get(0).guarded());
        assertTrue(old.get(0).problem().contains("NoSuchFieldError"), old.toString());
        assertEquals(List.of(), check(newRelease(), pack));
    }

    @Test
    void aConstantInsideASwitchMapIsGuarded() {
        // What javac makes of `switch (type) { case USER_SESSION_DELETED -> ... }`: the constant's ordinal is read
        // inside try { } catch (NoSuchFieldError e) { }.
        ClassNode pack = packClass("io/keycloakguard/B$1", mv -> {
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            Label after = new Label();
            mv.visitTryCatchBlock(start, end, handler, "java/lang/NoSuchFieldError");
            mv.visitLabel(start);
            mv.visitFieldInsn(Opcodes.GETSTATIC, EVENT_TYPE, "USER_SESSION_DELETED", "L" + EVENT_TYPE + ";");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, EVENT_TYPE, "ordinal", "()I", false);
            mv.visitInsn(Opcodes.POP);
            mv.visitLabel(end);
            mv.visitJumpInsn(Opcodes.GOTO, after);
            mv.visitLabel(handler);
            mv.visitInsn(Opcodes.POP);
            mv.visitLabel(after);
        });
        List<Linker.Finding> old = check(oldRelease(), pack);
        assertEquals(1, old.size(), old.toString());
        assertTrue(old.get(0).guarded(), old.toString());
    }

    @Test
    void aMethodOnlyANewerReleaseHasFails() {
        ClassNode pack = packClass("io/keycloakguard/C", mv -> {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, AUTH_RESULT, "user", "()Ljava/lang/Object;", false);
            mv.visitInsn(Opcodes.POP);
        });
        List<Linker.Finding> old = check(oldRelease(), pack);
        assertEquals(1, old.size(), old.toString());
        assertTrue(old.get(0).problem().contains("NoSuchMethodError"));
        assertEquals(List.of(), check(newRelease(), pack));
    }

    @Test
    void anInterfaceMethodCalledOnAClassIsAnIncompatibleChange() {
        ClassNode pack = packClass("io/keycloakguard/D", mv -> {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, AUTH_RESULT, "getUser", "()Ljava/lang/Object;", true);
            mv.visitInsn(Opcodes.POP);
        });
        assertTrue(check(oldRelease(), pack).get(0).problem().contains("IncompatibleClassChangeError"));
    }

    @Test
    void aMissingClassFails() {
        ClassNode pack = packClass("io/keycloakguard/E", mv -> {
            mv.visitTypeInsn(Opcodes.NEW, "org/keycloak/Gone");
            mv.visitInsn(Opcodes.POP);
        });
        List<Linker.Finding> findings = check(oldRelease(), pack);
        assertEquals(1, findings.size(), findings.toString());
        assertTrue(findings.get(0).problem().contains("NoClassDefFoundError"));
    }

    @Test
    void aNewAbstractMethodOfAnSpiThePackImplementsFails() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "io/keycloakguard/Impl", null, "java/lang/Object", new String[]{SPI});
        MethodVisitor close = cw.visitMethod(Opcodes.ACC_PUBLIC, "close", "()V", null, null);
        close.visitCode();
        close.visitInsn(Opcodes.RETURN);
        close.visitMaxs(0, 1);
        close.visitEnd();
        cw.visitEnd();
        ClassNode pack = node(cw.toByteArray());
        assertEquals(List.of(), check(oldRelease(), pack));
        List<Linker.Finding> newer = check(newRelease(), pack);
        assertEquals(1, newer.size(), newer.toString());
        assertTrue(newer.get(0).problem().contains("AbstractMethodError"));
    }

    @Test
    void referencesOutsideTheCheckedPackagesAreNotJudged() {
        ClassNode pack = packClass("io/keycloakguard/F", mv -> {
            mv.visitTypeInsn(Opcodes.NEW, "jakarta/servlet/Filter");
            mv.visitInsn(Opcodes.POP);
        });
        assertEquals(List.of(), check(oldRelease(), pack));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private static List<Linker.Finding> check(Map<String, byte[]> release, ClassNode pack) {
        Function<String, byte[]> keycloak = release::get;
        ClassIndex index = new ClassIndex(List.of(keycloak, ClassIndex::jdk), List.of());
        return new Linker(index, n -> n.startsWith("org/keycloak/"), n -> n.startsWith("io/keycloakguard/"))
                .check(pack);
    }

    private static ClassNode packClass(String name, java.util.function.Consumer<MethodVisitor> body) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "run", "()V", null, null);
        mv.visitCode();
        body.accept(mv);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(4, 0);
        mv.visitEnd();
        cw.visitEnd();
        return node(cw.toByteArray());
    }

    private static ClassNode node(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        return node;
    }

    private static byte[] enumClass(String... constants) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_ENUM, EVENT_TYPE,
                null, "java/lang/Enum", null);
        for (String c : constants) {
            cw.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_ENUM, c,
                    "L" + EVENT_TYPE + ";", null, null).visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static byte[] interfaceWith(String... methods) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT, SPI, null,
                "java/lang/Object", null);
        for (String m : methods) {
            cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, m, "()V", null, null).visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static byte[] classWith(String... methods) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, AUTH_RESULT, null, "java/lang/Object", null);
        for (String m : methods) {
            cw.visitMethod(Opcodes.ACC_PUBLIC, m, "()Ljava/lang/Object;", null, null).visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }
}
