package org.slmlab.kernel.exec;

/**
 * The switch that Kernel → Interrupt flips. {@link SnippetWeaver} puts a call to {@link #check()} at the start
 * of every method and before every backward jump (every loop iteration) of the code typed in cells, so even
 * {@code while (true) {}} notices an interrupt within one iteration.
 *
 * <p>Library code (lab-lib, the JDK) is not woven — a hot SIMD loop must not pay for a check per iteration —
 * so it stops only where it looks at {@link Thread#interrupted()}, or when {@link CellRunner} gives up on it.
 */
public final class StopCheck {

    private static volatile boolean requested;

    private StopCheck() {
    }

    /** Called from woven cell code: throws {@link CellStopped} once an interrupt was requested. */
    public static void check() {
        if (requested) {
            throw new CellStopped();
        }
    }

    /** True while the current cell is being interrupted; long work may poll it (the progress display does). */
    public static boolean requested() {
        return requested;
    }

    static void request() {
        requested = true;
    }

    static void clear() {
        requested = false;
    }
}
