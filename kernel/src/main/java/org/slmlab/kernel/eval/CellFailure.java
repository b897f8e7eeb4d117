package org.slmlab.kernel.eval;

import java.util.List;

/**
 * A cell that did not run to its end, as Jupyter shows it: an error name ({@code CompileError}, the real
 * exception class such as {@code java.lang.ArithmeticException}, {@code Interrupted}, {@code SystemExit}),
 * a one-line message, and the traceback lines under it.
 */
public final class CellFailure extends Exception {

    private final String errorName;
    private final List<String> traceback;

    public CellFailure(String errorName, String message, List<String> traceback) {
        super(message, null, false, false);
        this.errorName = errorName;
        this.traceback = List.copyOf(traceback);
    }

    public String errorName() {
        return errorName;
    }

    public List<String> traceback() {
        return traceback;
    }
}
