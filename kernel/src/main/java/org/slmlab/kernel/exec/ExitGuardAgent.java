package org.slmlab.kernel.exec;

import java.lang.classfile.ClassHierarchyResolver;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;

/**
 * Started by the JVM before the kernel's {@code main} (the kernel jar names it as its {@code Launcher-Agent-Class}):
 * traps {@code System.exit} in every library class loaded after it — lab-lib's CLI {@code main}, for instance,
 * ends with {@code System.exit} — so that calling it from a cell ends the cell, not the kernel.
 *
 * <p>Not covered: JDK classes (named modules), classes loaded before the agent, and exits reached through reflection or a
 * method handle ({@code System::exit}); for those the kernel's shutdown hook at least says what happened.
 */
public final class ExitGuardAgent {

    private static final byte[] EXIT = "exit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HALT = "halt".getBytes(StandardCharsets.US_ASCII);

    private ExitGuardAgent() {
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        SnippetWeaver weaver = new SnippetWeaver(ClassHierarchyResolver.defaultResolver());
        instrumentation.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                    ProtectionDomain domain, byte[] bytes) {
                // Named modules are the JDK's (javac and JShell among them); libraries come on the class path.
                if (module.isNamed() || loader == null || className == null
                        || className.startsWith("org/slmlab/kernel/") || className.startsWith("REPL/")
                        || !(contains(bytes, EXIT) || contains(bytes, HALT))) {
                    return null;
                }
                try {
                    return weaver.trapExitCalls(bytes);
                } catch (RuntimeException e) { // an unusual class file: leave it as it was
                    return null;
                }
            }
        });
    }

    /** A cheap filter: a class that calls exit has the name in its constant pool. */
    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
