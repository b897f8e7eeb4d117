package org.slmlab.kernel.notebook;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every notebook of the course (notebooks/*.ipynb) runs on the kernel without an error. */
class CourseNotebooksIT {

    static List<Path> courseNotebooks() throws IOException {
        Path dir = InstalledKernel.labHome().resolve("notebooks");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsClean() throws IOException {
        return courseNotebooks().stream().map(notebook -> DynamicTest.dynamicTest(notebook.getFileName().toString(), () -> {
            Path out = Files.createTempFile("executed", ".ipynb");
            try {
                NotebookRunner.Run run = new NotebookRunner(InstalledKernel.jupyterPath())
                        .execute(notebook, out, Duration.ofMinutes(10));
                assertTrue(run.succeeded(), run.log());
                assertEquals(List.of(), NotebookRunner.errorOutputs(out));
            } finally {
                Files.deleteIfExists(out);
            }
        }));
    }
}
