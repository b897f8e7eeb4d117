package org.slmlab.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.util.UUID;

/** An output that can be replaced in place (Jupyter's display id), for results that change while a cell runs. */
public final class LiveDisplay {

    private final DisplaySink sink;
    private final String id = UUID.randomUUID().toString();

    LiveDisplay(DisplaySink sink) {
        this.sink = sink;
    }

    void show(Object value) {
        sink.show(withId(value));
    }

    /** Replaces what this display shows with {@code value}. */
    public void update(Object value) {
        sink.update(withId(value));
    }

    private DisplayData withId(Object value) {
        DisplayData data = new DisplayData(ValueRenderer.render(value)); // a copy: the rendering may be shared
        data.setDisplayId(id);
        return data;
    }
}
