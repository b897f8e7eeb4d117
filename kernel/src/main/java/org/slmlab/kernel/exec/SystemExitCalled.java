package org.slmlab.kernel.exec;

/**
 * What {@code System.exit(status)} becomes inside the kernel: the kernel process is shared by every cell of the
 * notebook, so a cell (or library code it calls, such as a CLI's {@code main}) may end itself but not the JVM.
 * An {@link Error}, like {@link CellStopped}, so a broad {@code catch (Exception e)} does not swallow it.
 */
public final class SystemExitCalled extends Error {

    private final int status;

    public SystemExitCalled(int status) {
        super("System.exit(" + status + ") was called: the cell stopped there; the kernel keeps running",
                null, false, true);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
