package org.slmlab.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar redrawn in place on stderr ({@code \r}): a label, a bar, the percentage and a rate.
 * Redraws at most every 100 ms so that a fast loop does not spend its time printing.
 */
final class ProgressBar {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastLength;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    /** Redraws unless the last redraw was very recent; {@code force} always redraws. */
    void show(String label, long done, long total, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        String line = String.format("[%s%s] %3.0f%% %7.1f MB/s  %s", "#".repeat(filled), ".".repeat(WIDTH - filled),
                fraction * 100, done / seconds / 1e6, label);
        // pad over the rest of a longer previous line
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    /** Ends the bar's line. */
    void finish() {
        out.println();
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
