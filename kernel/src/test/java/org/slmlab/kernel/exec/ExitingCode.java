package org.slmlab.kernel.exec;

/** Test input for the weaver: library-style code that ends the JVM. */
public final class ExitingCode {

    private ExitingCode() {
    }

    public static void exit(int status) {
        System.exit(status);
    }

    public static void halt() {
        Runtime.getRuntime().halt(9);
    }
}
