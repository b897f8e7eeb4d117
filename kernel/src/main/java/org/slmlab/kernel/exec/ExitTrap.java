package org.slmlab.kernel.exec;

/**
 * Replacements for the JVM-ending calls, swapped in by {@link SnippetWeaver} (cells) and {@link ExitGuardAgent}
 * (library classes). Each has the stack shape of the call it replaces: {@code System.exit(int)} is static;
 * {@code Runtime.exit(int)} and {@code Runtime.halt(int)} take the {@code Runtime} receiver as a first argument.
 */
public final class ExitTrap {

    private ExitTrap() {
    }

    public static void exit(int status) {
        throw new SystemExitCalled(status);
    }

    public static void exit(Runtime runtime, int status) {
        throw new SystemExitCalled(status);
    }

    public static void halt(Runtime runtime, int status) {
        throw new SystemExitCalled(status);
    }
}
