package io.keycloakguard.compat.check;

import io.keycloakguard.compat.check.ClassIndex.ClassInfo;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Links one of the pack's classes against a runtime as the JVM would, and reports what would fail:
 * a class, field or method that is not there ({@code NoClassDefFoundError}, {@code NoSuchFieldError},
 * {@code NoSuchMethodError}), a member that became static or an instance member, a class that became an
 * interface or the reverse ({@code IncompatibleClassChangeError}), a member or class the pack cannot access
 * ({@code IllegalAccessError}), a final class or method the pack extends or overrides ({@code VerifyError}),
 * and an abstract method of a Keycloak type the pack's class does not implement ({@code AbstractMethodError}).
 *
 * <p>A reference inside a {@code try} whose handler catches the error it would raise is <em>guarded</em>, not
 * a problem: that is how javac compiles a {@code switch} over an enum (the constants a release lacks are caught
 * by {@code NoSuchFieldError} when the switch map is built).
 */
final class Linker {

    /** One reference the pack makes, and why it would fail on this runtime. */
    record Finding(String from, String target, String problem, boolean guarded) {
        @Override
        public String toString() {
            return from + " -> " + target + ": " + problem + (guarded ? " (guarded)" : "");
        }
    }

    private enum Kind {
        CLASS(Set.of("java/lang/NoClassDefFoundError", "java/lang/LinkageError")),
        FIELD(Set.of("java/lang/NoSuchFieldError", "java/lang/IncompatibleClassChangeError", "java/lang/LinkageError")),
        METHOD(Set.of("java/lang/NoSuchMethodError", "java/lang/IncompatibleClassChangeError", "java/lang/LinkageError"));

        final Set<String> guards;

        Kind(Set<String> guards) {
            this.guards = guards;
        }
    }

    /** A member found by resolution, or why not: missing for sure, or unknown (the hierarchy leaves the runtime). */
    private record Lookup(ClassInfo declaring, int access, boolean unknown) {
        static final Lookup MISSING = new Lookup(null, 0, false);
        static final Lookup UNKNOWN = new Lookup(null, 0, true);

        boolean found() {
            return declaring != null;
        }
    }

    private final ClassIndex index;
    private final Predicate<String> checked;
    private final Predicate<String> pack;

    /**
     * @param checked the classes whose absence is an error (Keycloak's and the APIs it ships)
     * @param pack    the pack's own classes: references through them are resolved too (inherited members)
     */
    Linker(ClassIndex index, Predicate<String> checked, Predicate<String> pack) {
        this.index = index;
        this.checked = checked;
        this.pack = pack;
    }

    List<Finding> check(ClassNode c) {
        List<Finding> findings = new ArrayList<>();
        String where = c.name;
        Map<String, Boolean> classes = new LinkedHashMap<>();
        if (c.superName != null) {
            classes.put(c.superName, false);
        }
        c.interfaces.forEach(i -> classes.put(i, false));
        for (FieldNode f : c.fields) {
            descriptorClasses(f.desc).forEach(t -> classes.putIfAbsent(t, false));
        }
        for (MethodNode m : c.methods) {
            descriptorClasses(m.desc).forEach(t -> classes.putIfAbsent(t, false));
            if (m.exceptions != null) {
                m.exceptions.forEach(e -> classes.putIfAbsent(e, false));
            }
        }
        classes.forEach((name, guarded) -> checkClass(where.replace('/', '.'), where, name, false, findings));
        checkHierarchy(c, findings);
        for (MethodNode m : c.methods) {
            checkCode(c, m, findings);
        }
        return findings;
    }

    // --- the class's place in the hierarchy ------------------------------------------------------------------

    private void checkHierarchy(ClassNode c, List<Finding> findings) {
        if (c.superName != null && checked.test(c.superName)) {
            index.find(c.superName).ifPresent(s -> {
                if (s.isInterface()) {
                    findings.add(new Finding(c.name, s.name(), "extends an interface (IncompatibleClassChangeError)", false));
                } else if ((s.access() & Opcodes.ACC_FINAL) != 0) {
                    findings.add(new Finding(c.name, s.name(), "extends a final class (VerifyError)", false));
                }
            });
        }
        for (String i : c.interfaces) {
            if (checked.test(i)) {
                index.find(i).filter(x -> !x.isInterface()).ifPresent(x -> findings.add(
                        new Finding(c.name, i, "implements a class (IncompatibleClassChangeError)", false)));
            }
        }
        for (MethodNode m : c.methods) {
            if ((m.access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) != 0 || m.name.startsWith("<")) {
                continue;
            }
            String key = ClassInfo.key(m.name, m.desc);
            for (String s = c.superName; s != null; ) {
                Optional<ClassInfo> info = index.find(s);
                if (info.isEmpty()) {
                    break;
                }
                Integer access = info.get().methods().get(key);
                if (access != null && (access & Opcodes.ACC_FINAL) != 0 && checked.test(s)) {
                    findings.add(new Finding(c.name + "." + m.name, s + "." + m.name + m.desc,
                            "overrides a final method (VerifyError)", false));
                }
                s = info.get().superName();
            }
        }
        if ((c.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE)) == 0) {
            checkAbstractMethods(c, findings);
        }
    }

    /** Every abstract method of a Keycloak supertype needs an implementation in the class or a default method. */
    private void checkAbstractMethods(ClassNode c, List<Finding> findings) {
        List<ClassInfo> classChain = new ArrayList<>();
        Set<String> interfaces = new HashSet<>();
        List<ClassInfo> interfaceInfos = new ArrayList<>();
        ClassInfo self = ClassIndex.parseNode(c);
        for (ClassInfo k = self; k != null; ) {
            classChain.add(k);
            for (String i : k.interfaces()) {
                if (!collectInterfaces(i, interfaces, interfaceInfos)) {
                    return; // a supertype outside the runtime: cannot tell
                }
            }
            if (k.superName() == null) {
                break;
            }
            Optional<ClassInfo> next = index.find(k.superName());
            if (next.isEmpty()) {
                return;
            }
            k = next.get();
        }
        List<ClassInfo> declaring = new ArrayList<>(classChain);
        declaring.addAll(interfaceInfos);
        for (ClassInfo d : declaring) {
            if (!checked.test(d.name())) {
                continue;
            }
            d.methods().forEach((key, access) -> {
                if ((access & Opcodes.ACC_ABSTRACT) == 0 || (access & Opcodes.ACC_STATIC) != 0) {
                    return;
                }
                boolean implemented = classChain.stream().anyMatch(k -> {
                    Integer a = k.methods().get(key);
                    return a != null && (a & Opcodes.ACC_ABSTRACT) == 0;
                }) || interfaceInfos.stream().anyMatch(i -> {
                    Integer a = i.methods().get(key);
                    return a != null && (a & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_STATIC)) == 0;
                });
                if (!implemented) {
                    findings.add(new Finding(c.name, d.name() + "." + key,
                            "abstract method not implemented (AbstractMethodError when Keycloak calls it)", false));
                }
            });
        }
    }

    private boolean collectInterfaces(String name, Set<String> seen, List<ClassInfo> infos) {
        if (!seen.add(name)) {
            return true;
        }
        Optional<ClassInfo> info = index.find(name);
        if (info.isEmpty()) {
            return false;
        }
        infos.add(info.get());
        for (String s : info.get().interfaces()) {
            if (!collectInterfaces(s, seen, infos)) {
                return false;
            }
        }
        return true;
    }

    // --- the code ----------------------------------------------------------------------------------------------

    private void checkCode(ClassNode c, MethodNode m, List<Finding> findings) {
        int line = -1;
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof LineNumberNode l) {
                line = l.line;
                continue;
            }
            String from = c.name.replace('/', '.') + "." + m.name + (line > 0 ? ":" + line : "");
            if (insn instanceof FieldInsnNode f) {
                boolean isStatic = f.getOpcode() == Opcodes.GETSTATIC || f.getOpcode() == Opcodes.PUTSTATIC;
                checkField(from, c.name, f.owner, f.name, f.desc, isStatic, guarded(m, insn, Kind.FIELD), findings);
                descriptorClasses(f.desc).forEach(t -> checkClass(from, c.name, t, guarded(m, insn, Kind.CLASS), findings));
            } else if (insn instanceof MethodInsnNode mi) {
                checkMethod(from, c.name, mi.owner, mi.name, mi.desc, mi.getOpcode(), mi.itf,
                        guarded(m, insn, Kind.METHOD), findings);
                descriptorClasses(mi.desc).forEach(t -> checkClass(from, c.name, t, guarded(m, insn, Kind.CLASS), findings));
            } else if (insn instanceof TypeInsnNode t) {
                elementClass(t.desc).ifPresent(n -> checkClass(from, c.name, n, guarded(m, insn, Kind.CLASS), findings));
            } else if (insn instanceof MultiANewArrayInsnNode a) {
                elementClass(a.desc).ifPresent(n -> checkClass(from, c.name, n, guarded(m, insn, Kind.CLASS), findings));
            } else if (insn instanceof LdcInsnNode ldc && ldc.cst instanceof Type t) {
                typeClasses(t).forEach(n -> checkClass(from, c.name, n, guarded(m, insn, Kind.CLASS), findings));
            } else if (insn instanceof InvokeDynamicInsnNode indy) {
                boolean guarded = guarded(m, insn, Kind.METHOD);
                checkHandle(from, c.name, indy.bsm, guarded, findings);
                for (Object arg : indy.bsmArgs) {
                    if (arg instanceof Handle h) {
                        checkHandle(from, c.name, h, guarded, findings);
                    } else if (arg instanceof Type t) {
                        typeClasses(t).forEach(n -> checkClass(from, c.name, n, guarded, findings));
                    }
                }
            }
        }
        for (TryCatchBlockNode tc : m.tryCatchBlocks) {
            if (tc.type != null) {
                checkClass(c.name.replace('/', '.') + "." + m.name, c.name, tc.type, false, findings);
            }
        }
    }

    private void checkHandle(String from, String self, Handle h, boolean guarded, List<Finding> findings) {
        switch (h.getTag()) {
            case Opcodes.H_GETFIELD, Opcodes.H_PUTFIELD ->
                    checkField(from, self, h.getOwner(), h.getName(), h.getDesc(), false, guarded, findings);
            case Opcodes.H_GETSTATIC, Opcodes.H_PUTSTATIC ->
                    checkField(from, self, h.getOwner(), h.getName(), h.getDesc(), true, guarded, findings);
            case Opcodes.H_INVOKESTATIC -> checkMethod(from, self, h.getOwner(), h.getName(), h.getDesc(),
                    Opcodes.INVOKESTATIC, h.isInterface(), guarded, findings);
            case Opcodes.H_INVOKEINTERFACE -> checkMethod(from, self, h.getOwner(), h.getName(), h.getDesc(),
                    Opcodes.INVOKEINTERFACE, true, guarded, findings);
            case Opcodes.H_INVOKESPECIAL, Opcodes.H_NEWINVOKESPECIAL -> checkMethod(from, self, h.getOwner(),
                    h.getName(), h.getDesc(), Opcodes.INVOKESPECIAL, h.isInterface(), guarded, findings);
            default -> checkMethod(from, self, h.getOwner(), h.getName(), h.getDesc(), Opcodes.INVOKEVIRTUAL,
                    h.isInterface(), guarded, findings);
        }
        descriptorClasses(h.getDesc()).forEach(t -> checkClass(from, self, t, guarded, findings));
    }

    private void checkClass(String from, String self, String name, boolean guarded, List<Finding> findings) {
        if (!checked.test(name)) {
            return;
        }
        Optional<ClassInfo> info = index.find(name);
        if (info.isEmpty()) {
            findings.add(new Finding(from, name.replace('/', '.'), "class not in this release (NoClassDefFoundError)",
                    guarded));
        } else if ((info.get().access() & Opcodes.ACC_PUBLIC) == 0 && !samePackage(self, name)) {
            findings.add(new Finding(from, name.replace('/', '.'), "class not public (IllegalAccessError)", guarded));
        }
    }

    private void checkField(String from, String self, String owner, String name, String desc, boolean isStatic,
                            boolean guarded, List<Finding> findings) {
        if (!relevant(owner)) {
            return;
        }
        String target = owner.replace('/', '.') + "." + name;
        Optional<ClassInfo> ownerInfo = index.find(owner);
        if (ownerInfo.isEmpty()) {
            return; // reported as a missing class
        }
        Lookup l = field(owner, ClassInfo.key(name, desc), new HashSet<>());
        report(from, self, target + " (field " + desc + ")", l, isStatic, guarded, Kind.FIELD, findings);
    }

    private void checkMethod(String from, String self, String owner, String name, String desc, int opcode,
                             boolean itf, boolean guarded, List<Finding> findings) {
        if (owner.startsWith("[") || !relevant(owner)) {
            return;
        }
        String target = owner.replace('/', '.') + "." + name + desc;
        Optional<ClassInfo> ownerInfo = index.find(owner);
        if (ownerInfo.isEmpty()) {
            return; // reported as a missing class
        }
        if (ownerInfo.get().isInterface() != itf && checked.test(owner)) {
            findings.add(new Finding(from, target, (itf ? "called as an interface method on a class"
                    : "called as a class method on an interface") + " (IncompatibleClassChangeError)", guarded));
            return;
        }
        String key = ClassInfo.key(name, desc);
        Lookup l;
        if (name.equals("<init>")) {
            Integer access = ownerInfo.get().methods().get(key);
            l = access == null ? Lookup.MISSING : new Lookup(ownerInfo.get(), access, false);
        } else {
            l = itf ? interfaceMethod(owner, key) : classMethod(owner, key);
        }
        report(from, self, target, l, opcode == Opcodes.INVOKESTATIC, guarded, Kind.METHOD, findings);
    }

    private void report(String from, String self, String target, Lookup l, boolean isStatic, boolean guarded,
                        Kind kind, List<Finding> findings) {
        if (l.unknown()) {
            return;
        }
        if (!l.found()) {
            findings.add(new Finding(from, target, (kind == Kind.FIELD ? "field" : "method")
                    + " not in this release (" + (kind == Kind.FIELD ? "NoSuchFieldError" : "NoSuchMethodError") + ")",
                    guarded));
            return;
        }
        if (!checked.test(l.declaring().name())) {
            return;
        }
        boolean memberStatic = (l.access() & Opcodes.ACC_STATIC) != 0;
        if (memberStatic != isStatic) {
            findings.add(new Finding(from, target, (memberStatic ? "is static here" : "is not static here")
                    + " (IncompatibleClassChangeError)", guarded));
        }
        int visibility = l.access() & (Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED | Opcodes.ACC_PRIVATE);
        if (visibility == Opcodes.ACC_PRIVATE
                || (visibility == 0 && !samePackage(self, l.declaring().name()))) {
            findings.add(new Finding(from, target, "not accessible here (IllegalAccessError)", guarded));
        }
    }

    private boolean relevant(String owner) {
        return checked.test(owner) || pack.test(owner);
    }

    // --- resolution, as JVMS 5.4.3.2-5.4.3.4 -------------------------------------------------------------------

    private Lookup field(String owner, String key, Set<String> seen) {
        if (!seen.add(owner)) {
            return Lookup.MISSING;
        }
        Optional<ClassInfo> info = index.find(owner);
        if (info.isEmpty()) {
            return Lookup.UNKNOWN;
        }
        ClassInfo c = info.get();
        Integer access = c.fields().get(key);
        if (access != null) {
            return new Lookup(c, access, false);
        }
        boolean unknown = false;
        for (String i : c.interfaces()) {
            Lookup l = field(i, key, seen);
            if (l.found()) {
                return l;
            }
            unknown |= l.unknown();
        }
        if (c.superName() != null) {
            Lookup l = field(c.superName(), key, seen);
            if (l.found()) {
                return l;
            }
            unknown |= l.unknown();
        }
        return unknown ? Lookup.UNKNOWN : Lookup.MISSING;
    }

    private Lookup classMethod(String owner, String key) {
        boolean unknown = false;
        List<ClassInfo> chain = new ArrayList<>();
        for (String s = owner; s != null; ) {
            Optional<ClassInfo> info = index.find(s);
            if (info.isEmpty()) {
                unknown = true;
                break;
            }
            Integer access = info.get().methods().get(key);
            if (access != null) {
                return new Lookup(info.get(), access, false);
            }
            chain.add(info.get());
            s = info.get().superName();
        }
        Set<String> seen = new HashSet<>();
        for (ClassInfo c : chain) {
            Lookup l = inSuperinterfaces(c.interfaces(), key, seen);
            if (l.found()) {
                return l;
            }
            unknown |= l.unknown();
        }
        return unknown ? Lookup.UNKNOWN : Lookup.MISSING;
    }

    private Lookup interfaceMethod(String owner, String key) {
        Optional<ClassInfo> info = index.find(owner);
        if (info.isEmpty()) {
            return Lookup.UNKNOWN;
        }
        Integer access = info.get().methods().get(key);
        if (access != null) {
            return new Lookup(info.get(), access, false);
        }
        Optional<ClassInfo> object = index.find("java/lang/Object");
        if (object.isPresent()) {
            Integer a = object.get().methods().get(key);
            if (a != null && (a & Opcodes.ACC_PUBLIC) != 0 && (a & Opcodes.ACC_STATIC) == 0) {
                return new Lookup(object.get(), a, false);
            }
        }
        return inSuperinterfaces(info.get().interfaces(), key, new HashSet<>());
    }

    /** The first of these interfaces, or of theirs, that declares the method (not private, not static). */
    private Lookup inSuperinterfaces(List<String> interfaces, String key, Set<String> seen) {
        boolean unknown = false;
        for (String i : interfaces) {
            Lookup l = superinterfaceMethod(i, key, seen);
            if (l.found()) {
                return l;
            }
            unknown |= l.unknown();
        }
        return unknown ? Lookup.UNKNOWN : Lookup.MISSING;
    }

    private Lookup superinterfaceMethod(String name, String key, Set<String> seen) {
        if (!seen.add(name)) {
            return Lookup.MISSING;
        }
        Optional<ClassInfo> info = index.find(name);
        if (info.isEmpty()) {
            return Lookup.UNKNOWN;
        }
        Integer access = info.get().methods().get(key);
        if (access != null && (access & (Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC)) == 0) {
            return new Lookup(info.get(), access, false);
        }
        return inSuperinterfaces(info.get().interfaces(), key, seen);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** Whether the instruction is inside a try block whose handler catches the error the reference would raise. */
    private static boolean guarded(MethodNode m, AbstractInsnNode insn, Kind kind) {
        int at = m.instructions.indexOf(insn);
        for (TryCatchBlockNode tc : m.tryCatchBlocks) {
            if (tc.type != null && kind.guards.contains(tc.type)
                    && m.instructions.indexOf(tc.start) <= at && at < m.instructions.indexOf(tc.end)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> descriptorClasses(String desc) {
        Type t = Type.getType(desc);
        List<String> names = new ArrayList<>();
        if (t.getSort() == Type.METHOD) {
            for (Type a : t.getArgumentTypes()) {
                names.addAll(typeClasses(a));
            }
            names.addAll(typeClasses(t.getReturnType()));
        } else {
            names.addAll(typeClasses(t));
        }
        return names;
    }

    private static List<String> typeClasses(Type t) {
        if (t.getSort() == Type.ARRAY) {
            return typeClasses(t.getElementType());
        }
        if (t.getSort() == Type.OBJECT) {
            return List.of(t.getInternalName());
        }
        if (t.getSort() == Type.METHOD) {
            return descriptorClasses(t.getDescriptor());
        }
        return List.of();
    }

    /** A TypeInsn's operand is an internal name, or an array descriptor. */
    private static Optional<String> elementClass(String operand) {
        if (!operand.startsWith("[")) {
            return Optional.of(operand);
        }
        List<String> names = typeClasses(Type.getType(operand));
        return names.isEmpty() ? Optional.empty() : Optional.of(names.get(0));
    }

    private static boolean samePackage(String a, String b) {
        return a.substring(0, Math.max(0, a.lastIndexOf('/'))).equals(b.substring(0, Math.max(0, b.lastIndexOf('/'))));
    }
}
