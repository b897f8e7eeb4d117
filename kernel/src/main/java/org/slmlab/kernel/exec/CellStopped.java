package org.slmlab.kernel.exec;

/**
 * Thrown inside a cell's thread when the user interrupts the kernel. An {@link Error}, so that the common
 * {@code catch (Exception e)} in a cell does not swallow the interrupt.
 */
public final class CellStopped extends Error {

    public CellStopped() {
        super("the cell was interrupted", null, false, false);
    }
}
