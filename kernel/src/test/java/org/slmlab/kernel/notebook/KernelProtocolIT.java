package org.slmlab.kernel.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel as the notebook UI drives it (jupyter_client, through src/test/python/kernel_probe.py):
 * interrupt, Tab, Shift-Tab, is_complete, live displays, an exit it cannot prevent; and start-up and cell
 * times, which are printed for the record, not asserted (the machine's load decides them).
 */
class KernelProtocolIT {

    /** The Python that runs Jupyter (its jupyter_client is the one to use), from the jupyter script's #! line. */
    private static String jupyterPython() throws java.io.IOException {
        String first = java.nio.file.Files.readAllLines(NotebookRunner.jupyter()).getFirst();
        return first.startsWith("#!") && !first.contains("env ") ? first.substring(2).strip() : "python3";
    }

    @Test
    void theKernelAnswersLikeANotebookExpects() throws Exception {
        Path jupyterPath = InstalledKernel.jupyterPath();
        ProcessBuilder builder = new ProcessBuilder(jupyterPython(), Path.of("src/test/python/kernel_probe.py").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        String existing = System.getenv("JUPYTER_PATH");
        builder.environment().put("JUPYTER_PATH", jupyterPath + (existing == null ? "" : File.pathSeparator + existing));
        Process probe = builder.start();
        byte[] out = probe.getInputStream().readAllBytes();
        assertTrue(probe.waitFor(10, TimeUnit.MINUTES), "the probe finished");
        String json = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, probe.exitValue(), json);
        JsonNode facts = new ObjectMapper().readTree(json);
        System.out.println("kernel timings (wall / kernel CPU): ready " + facts.path("ready_s") + " s / "
                + facts.path("ready_cpu_s") + " s; first cell " + facts.path("first_cell_s") + " s / "
                + facts.path("first_cell_cpu_total_s") + " s since start; trivial cell " + facts.path("trivial_cell_ms")
                + " ms / " + facts.path("trivial_cell_cpu_ms") + " ms");

        assertEquals("error", facts.path("interrupt_reply").path("status").asText());
        assertEquals("Interrupted", facts.path("interrupt_reply").path("ename").asText());
        assertEquals("42", facts.path("after_interrupt").asText());

        List<String> matches = new ArrayList<>();
        facts.path("complete").path("matches").forEach(m -> matches.add(m.asText()));
        assertTrue(matches.contains("Q4_0"), matches.toString());
        assertEquals(9, facts.path("complete").path("cursor_start").asInt());
        assertTrue(facts.path("inspect").path("found").asBoolean());
        assertTrue(facts.path("inspect").path("text").asText().contains("max("));
        assertEquals("incomplete", facts.path("is_complete_open_loop").path("status").asText());
        assertEquals("    ", facts.path("is_complete_open_loop").path("indent").asText());
        assertEquals("complete", facts.path("is_complete_statement").path("status").asText());

        assertEquals("display_data", facts.path("progress_messages").get(0).asText());
        assertTrue(facts.path("progress_messages").toString().contains("update_display_data"));
        assertEquals(1, facts.path("progress_display_ids").asInt());

        assertFalse(facts.path("reflective_exit_alive").asBoolean());
        assertTrue(facts.path("reflective_exit_notice").asText().contains("System.exit"),
                facts.path("reflective_exit_notice").asText());
    }
}
