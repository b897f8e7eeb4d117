package org.slmlab.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slmlab.kernel.exec.CellRunner;
import org.slmlab.kernel.exec.CellStopped;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** display(...), live displays and progress bars, recorded instead of sent to Jupyter. */
class NotebookTest {

    private record Sent(boolean update, DisplayData data) {
        String text() {
            return (String) data.getData(MIMEType.TEXT_PLAIN);
        }
    }

    private final List<Sent> sent = new ArrayList<>();

    @BeforeEach
    void record() {
        Notebook.useSink(new DisplaySink() {
            @Override
            public void show(DisplayData data) {
                sent.add(new Sent(false, data));
            }

            @Override
            public void update(DisplayData data) {
                sent.add(new Sent(true, data));
            }
        });
    }

    @AfterEach
    void restore() {
        Notebook.useSink(DisplaySink.STDOUT);
    }

    @Test
    void displayShowsEachValueAsItsOwnOutput() {
        Notebook.display("a", 2, new int[]{1});
        assertEquals(List.of("\"a\"", "2", "int[1] { 1 }"), sent.stream().map(Sent::text).toList());
        sent.clear();
        Notebook.display(new Object[]{"x", "y"});
        assertEquals(List.of("Object[2] { \"x\", \"y\" }"), sent.stream().map(Sent::text).toList(), "one array, one output");
    }

    @Test
    void aLiveDisplayIsUpdatedInPlace() {
        LiveDisplay live = Notebook.displayLive("starting");
        live.update("done");
        assertEquals(2, sent.size());
        assertEquals(false, sent.get(0).update());
        assertEquals(true, sent.get(1).update());
        assertNotNull(sent.get(0).data().getDisplayId());
        assertEquals(sent.get(0).data().getDisplayId(), sent.get(1).data().getDisplayId());
        assertEquals("\"done\"", sent.get(1).text());
    }

    @Test
    void progressDrawsABarAndFinishes() {
        Progress p = Notebook.progress("quantizing", 4);
        for (int i = 0; i < 4; i++) {
            p.step();
        }
        Sent last = sent.getLast();
        assertTrue(last.update());
        assertTrue(last.text().startsWith("quantizing: 4/4 (100%)"), last.text());
        assertTrue(((String) last.data().getData(MIMEType.TEXT_HTML)).contains("<progress value=\"4\" max=\"4\""));
    }

    @Test
    void progressIsWhereAnInterruptStopsLongWork() {
        Progress p = Notebook.progress("benchmark", 100);
        CellRunner runner = new CellRunner();
        runner.requestStop();
        try {
            assertThrows(CellStopped.class, p::step);
        } finally {
            runner.beginCell();
        }
        p.step();
    }
}
