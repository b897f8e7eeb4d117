package org.slmlab.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.slmlab.kernel.exec.CellStopped;
import org.slmlab.kernel.exec.StopCheck;

/**
 * A progress bar for long work in a cell (quantizing a model, a benchmark). Each {@link #update} is also a point
 * where Kernel → Interrupt takes effect, even inside library code that never checks for interrupts itself.
 */
public final class Progress {

    /** Redraw at most this often: each redraw is a message to the browser. */
    private static final long REDRAW_NANOS = 100_000_000L;

    private final String task;
    private final long total;
    private final LiveDisplay display;
    private final long started = System.nanoTime();
    private long done;
    private long lastDrawn;

    Progress(String task, long total, LiveDisplay display) {
        this.task = task;
        this.total = Math.max(total, 0);
        this.display = display;
    }

    /** One more step done. */
    public void step() {
        update(done + 1);
    }

    /** {@code done} steps of the total are done. */
    public void update(long done) {
        if (StopCheck.requested()) {
            throw new CellStopped();
        }
        this.done = done;
        long now = System.nanoTime();
        if (done >= total || now - lastDrawn >= REDRAW_NANOS) {
            lastDrawn = now;
            display.update(render(task, done, total, (now - started) / 1e9));
        }
    }

    /** Marks the task finished (whatever the count says). */
    public void finish() {
        display.update(render(task, Math.max(done, total), total, (System.nanoTime() - started) / 1e9));
    }

    static DisplayData render(String task, long done, long total, double seconds) {
        long shown = Math.min(done, total);
        double percent = total == 0 ? 100 : 100.0 * shown / total;
        String text = String.format("%s: %d/%d (%.0f%%) %.1f s", task, shown, total, percent, seconds);
        DisplayData data = new DisplayData(text);
        data.putHTML(String.format("<div><progress value=\"%d\" max=\"%d\" style=\"width: 40%%\"></progress> %s</div>",
                shown, Math.max(total, 1), TableView.escape(text)));
        return data;
    }
}
