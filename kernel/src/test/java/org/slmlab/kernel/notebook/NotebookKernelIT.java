package org.slmlab.kernel.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.gguf.GgmlType;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: the packaged kernel installed in a temporary prefix, test notebooks executed by
 * {@code jupyter nbconvert --execute}, and the saved outputs checked cell by cell.
 */
class NotebookKernelIT {

    private static final Path NOTEBOOKS = Path.of("src/test/notebooks");

    private static JsonNode cell(JsonNode notebook, String id) {
        for (JsonNode cell : notebook.path("cells")) {
            if (id.equals(cell.path("id").asText())) {
                return cell;
            }
        }
        throw new AssertionError("no cell " + id);
    }

    private static List<JsonNode> outputs(JsonNode notebook, String id, String type) {
        List<JsonNode> found = new ArrayList<>();
        cell(notebook, id).path("outputs").forEach(o -> {
            if (o.path("output_type").asText().equals(type)) {
                found.add(o);
            }
        });
        return found;
    }

    /** Jupyter stores multi-line text as a list of lines. */
    private static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder out = new StringBuilder();
            node.forEach(n -> out.append(n.asText()));
            return out.toString();
        }
        return node.asText();
    }

    private static String result(JsonNode notebook, String id, String mime) {
        List<JsonNode> results = outputs(notebook, id, "execute_result");
        assertEquals(1, results.size(), "one result in cell " + id + ": " + cell(notebook, id));
        return text(results.getFirst().path("data").path(mime));
    }

    private static BufferedImage png(String base64) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(base64)));
    }

    @Test
    void theSmokeNotebookRunsAndItsOutputsAreRight(@TempDir Path tmp) throws Exception {
        NotebookRunner runner = new NotebookRunner(InstalledKernel.jupyterPath());
        NotebookRunner.Run run = runner.execute(NOTEBOOKS.resolve("kernel-smoke.ipynb"), tmp.resolve("out.ipynb"), Duration.ofMinutes(5));
        assertTrue(run.succeeded(), run.log());
        JsonNode nb = new ObjectMapper().readTree(run.executed().toFile());
        assertEquals(List.of(), NotebookRunner.errorOutputs(run.executed()));

        assertEquals("42", result(nb, "value", "text/plain"));
        assertEquals("hello from Java " + Runtime.version().feature() + "\n",
                text(outputs(nb, "printed", "stream").getFirst().path("text")));

        String html = result(nb, "table", "text/html");
        assertTrue(html.contains("<th>type</th><th>bits</th>"), html);
        assertTrue(html.contains("<td>Q4_0</td><td>" + GgmlType.Q4_0.bitsPerWeight() + "</td>"), html);
        assertTrue(result(nb, "table", "text/plain").contains("Q8_0"));

        BufferedImage chart = png(result(nb, "chart", "image/png"));
        assertEquals(400, chart.getWidth());
        assertEquals(300, chart.getHeight());

        float expectedDot = 0;
        for (int i = 0; i < 1000; i++) {
            expectedDot += i * 0.5f;
        }
        // The kernel sums lane-wise with FMA; the order differs from this loop, but every partial sum is an
        // integer or half-integer below 2^24, so both are exact.
        assertEquals(Float.toString(expectedDot), result(nb, "vector", "text/plain"));
        assertEquals(Double.toString(GgmlType.Q4_0.bitsPerWeight()), result(nb, "lablib", "text/plain"));

        List<JsonNode> shown = outputs(nb, "display", "display_data");
        assertEquals(4, shown.size(), "two display(...) outputs, a live display and a progress bar: " + shown);
        assertEquals("\"first\"", text(shown.get(0).path("data").path("text/plain")));
        assertTrue(text(shown.get(1).path("data").path("text/html")).contains("<th>type</th>"));
        // nbclient applies update_display_data to the saved output: the final states are stored.
        assertEquals("\"done\"", text(shown.get(2).path("data").path("text/plain")));
        assertTrue(text(shown.get(3).path("data").path("text/plain")).startsWith("steps: 3/3 (100%)"));

        BufferedImage image = png(result(nb, "image", "image/png"));
        assertEquals(0xff0000, image.getRGB(1, 1) & 0xffffff);

        String exitCell = outputs(nb, "exit", "stream").stream().map(o -> text(o.path("text"))).reduce("", String::concat);
        assertTrue(exitCell.contains("before") && !exitCell.contains("after"), exitCell);
        String cli = outputs(nb, "cli", "stream").stream().map(o -> text(o.path("text"))).reduce("", String::concat);
        assertTrue(cli.contains("SLM Lab") && cli.contains("System.exit(0) was called"), cli);
        assertEquals("40", result(nb, "alive", "text/plain"), "the kernel survived System.exit(0), also from lab-lib");
    }

    @Test
    void aCellWithAnErrorFailsTheRun(@TempDir Path tmp) throws Exception {
        NotebookRunner runner = new NotebookRunner(InstalledKernel.jupyterPath());
        NotebookRunner.Run run = runner.execute(NOTEBOOKS.resolve("kernel-error.ipynb"), tmp.resolve("out.ipynb"), Duration.ofMinutes(5));
        assertFalse(run.succeeded(), run.log());
        assertTrue(run.log().contains("java.lang.ArithmeticException"), run.log());
        assertTrue(run.log().contains("at ratio(In[2]:2)"), run.log());
        assertFalse(run.log().contains("this cell must not run"), run.log());
        assertNotNull(run.log());
    }
}
