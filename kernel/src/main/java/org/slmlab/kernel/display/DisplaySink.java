package org.slmlab.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/** Where {@link Notebook#display} output goes: the running kernel's IOPub channel, or a test's recorder. */
public interface DisplaySink {

    /** Shows a new output under the running cell. */
    void show(DisplayData data);

    /** Replaces the output shown earlier with the same display id. */
    void update(DisplayData data);

    /** Outside a notebook (a plain JVM, a unit test): the text form goes to standard output. */
    DisplaySink STDOUT = new DisplaySink() {
        @Override
        public void show(DisplayData data) {
            System.out.println(data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN));
        }

        @Override
        public void update(DisplayData data) {
            show(data);
        }
    };
}
