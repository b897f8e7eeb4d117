package org.slmlab.kernel.notebook;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The course is committed with the outputs of a clean run: no notebook may hold an error output. */
class CommittedNotebooksTest {

    @Test
    void noCommittedNotebookHoldsAnError() throws IOException {
        List<String> errors = new ArrayList<>();
        for (Path notebook : CourseNotebooksIT.courseNotebooks()) {
            NotebookRunner.errorOutputs(notebook).forEach(e -> errors.add(notebook.getFileName() + " " + e));
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void errorOutputsAreFound() throws IOException {
        Path notebook = Path.of("src/test/notebooks/with-error-output.ipynb");
        assertEquals(List.of("cell 2: java.lang.ArithmeticException: / by zero"), NotebookRunner.errorOutputs(notebook));
    }
}
