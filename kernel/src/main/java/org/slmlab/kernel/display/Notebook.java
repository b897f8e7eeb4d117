package org.slmlab.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * What cells call to show things; statically imported in every cell. A cell's value is shown automatically
 * when the cell ends in an expression; these are for showing more than one thing, or something that changes:
 * <pre>{@code
 * display(table, chart);                       // several outputs from one cell
 * var p = progress("quantizing", layers);       // a live progress bar
 * for (...) { ...; p.step(); }
 * var live = displayLive("starting");           // any output, replaced in place
 * live.update(resultsTable);
 * }</pre>
 */
public final class Notebook {

    private static volatile DisplaySink sink = DisplaySink.STDOUT;

    private Notebook() {
    }

    /** Shows a value as an output of the running cell, rendered like a cell's value (tables as HTML, charts as PNG). */
    public static void display(Object value) {
        sink.show(ValueRenderer.render(value));
    }

    /**
     * Shows each value as its own output. (Two fixed parameters, not one varargs: with {@code Object...} alone,
     * {@code display(array)} would spread the array's elements.)
     */
    public static void display(Object first, Object second, Object... more) {
        display(first);
        display(second);
        for (Object value : more) {
            display(value);
        }
    }

    /** Shows a value that {@link LiveDisplay#update} can later replace in place. */
    public static LiveDisplay displayLive(Object initial) {
        LiveDisplay live = new LiveDisplay(sink);
        live.show(initial);
        return live;
    }

    /** A progress bar for {@code total} steps of {@code task}; it also lets Kernel → Interrupt stop the loop. */
    public static Progress progress(String task, long total) {
        return new Progress(task, total, displayLive(Progress.render(task, 0, total, 0)));
    }

    /** Where output goes from now on; the kernel calls this once at start. */
    public static void useSink(DisplaySink newSink) {
        sink = newSink;
    }

    /** The rendering of a value, for code that wants to adjust it before showing it. */
    public static DisplayData render(Object value) {
        return ValueRenderer.render(value);
    }
}
