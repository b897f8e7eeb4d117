package org.slmlab.kernel.exec;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.HashSet;
import java.util.Set;

/**
 * Rewrites compiled classes, with the JDK's class-file API, so that the kernel keeps control of them:
 * <ul>
 *   <li>calls to {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} become calls to
 *       {@link ExitTrap}, which ends the cell instead of the JVM;</li>
 *   <li>optionally (for code typed in cells) a call to {@link StopCheck#check()} goes at the start of every
 *       method and before every backward jump, which is how an interrupt stops a loop that never looks at
 *       {@link Thread#interrupted()}.</li>
 * </ul>
 * The JDK's own in-process JShell engine stops loops the same way; this is our version of the idea, with the
 * exit rewriting added.
 */
public final class SnippetWeaver {

    private static final ClassDesc CD_SYSTEM = ClassDesc.of("java.lang.System");
    private static final ClassDesc CD_RUNTIME = ClassDesc.of("java.lang.Runtime");
    private static final ClassDesc CD_EXIT_TRAP = ClassDesc.of(ExitTrap.class.getName());
    private static final ClassDesc CD_STOP_CHECK = ClassDesc.of(StopCheck.class.getName());
    private static final MethodTypeDesc INT_TO_VOID = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int);
    private static final MethodTypeDesc RUNTIME_INT_TO_VOID =
            MethodTypeDesc.of(ConstantDescs.CD_void, CD_RUNTIME, ConstantDescs.CD_int);

    private final ClassFile classFile;

    /** @param hierarchy how to find super classes of the classes being rewritten (for stack map frames) */
    public SnippetWeaver(ClassHierarchyResolver hierarchy) {
        this.classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                hierarchy.orElse(ClassHierarchyResolver.defaultResolver())));
    }

    /** Cell code: exit calls trapped and stop checks woven in. */
    public byte[] weaveCell(byte[] classBytes) {
        CodeTransform transform = CodeTransform.ofStateful(StopChecks::new).andThen(SnippetWeaver::trapExit);
        return classFile.transformClass(classFile.parse(classBytes), ClassTransform.transformingMethodBodies(transform));
    }

    /** Library code: exit calls trapped, nothing else touched; {@code null} when the class makes no such call. */
    public byte[] trapExitCalls(byte[] classBytes) {
        ClassModel model = classFile.parse(classBytes);
        if (!callsExit(model)) {
            return null;
        }
        return classFile.transformClass(model, ClassTransform.transformingMethodBodies(SnippetWeaver::trapExit));
    }

    private static boolean callsExit(ClassModel model) {
        for (MethodModel method : model.methods()) {
            CodeModel code = method.code().orElse(null);
            if (code == null) {
                continue;
            }
            for (CodeElement element : code) {
                if (element instanceof InvokeInstruction call && exitReplacement(call) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void trapExit(CodeBuilder builder, CodeElement element) {
        if (element instanceof InvokeInstruction call) {
            String replacement = exitReplacement(call);
            if (replacement != null) {
                MethodTypeDesc type = call.opcode() == Opcode.INVOKESTATIC ? INT_TO_VOID : RUNTIME_INT_TO_VOID;
                builder.invokestatic(CD_EXIT_TRAP, replacement, type);
                return;
            }
        }
        builder.with(element);
    }

    /** The {@link ExitTrap} method that replaces this call, or {@code null} if it is not an exit. */
    private static String exitReplacement(InvokeInstruction call) {
        if (!call.typeSymbol().equals(INT_TO_VOID)) {
            return null;
        }
        ClassDesc owner = call.owner().asSymbol();
        String name = call.name().stringValue();
        if (call.opcode() == Opcode.INVOKESTATIC && owner.equals(CD_SYSTEM) && name.equals("exit")) {
            return "exit";
        }
        if (call.opcode() == Opcode.INVOKEVIRTUAL && owner.equals(CD_RUNTIME)
                && (name.equals("exit") || name.equals("halt"))) {
            return name;
        }
        return null;
    }

    /** Inserts {@code StopCheck.check()} at method entry and before each jump back to an earlier label. */
    private static final class StopChecks implements CodeTransform {

        private final Set<Label> seen = new HashSet<>();

        @Override
        public void atStart(CodeBuilder builder) {
            check(builder);
        }

        @Override
        public void accept(CodeBuilder builder, CodeElement element) {
            if (element instanceof LabelTarget target) {
                seen.add(target.label());
            } else if (element instanceof BranchInstruction branch && seen.contains(branch.target())) {
                check(builder);
            }
            builder.with(element);
        }

        private static void check(CodeBuilder builder) {
            builder.invokestatic(CD_STOP_CHECK, "check", ConstantDescs.MTD_void);
        }
    }
}
