package org.slmlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.catalog.Catalog;
import org.slmlab.cli.Lab;
import org.slmlab.quant.LlamaFileType;
import org.slmlab.twin.ShapeTwin;
import picocli.CommandLine;

/** The benchmark harness end to end on a small twin, with tiny tests: it checks the harness, not the speed. */
class LlamaBenchTest {

    @TempDir
    static Path dir;
    static Path twin;

    @BeforeAll
    static void twin() throws Exception {
        twin = dir.resolve("smollm2-135m-Q4_0.gguf");
        ShapeTwin.write(new ShapeTwin.Options(Catalog.get("smollm2-135m"), LlamaFileType.Q4_0, false, 3, null), twin,
                (i, n, name, t, d, total) -> { });
    }

    @Test
    void ppAndTgWithRepetitionsAndStatistics() throws Exception {
        List<BenchResult> r = LlamaBench.run(twin, new LlamaBench.Options(8, 4, 3, 1), s -> { });
        assertEquals(List.of("pp8", "tg4"), r.stream().map(BenchResult::test).toList());
        for (BenchResult b : r) {
            assertEquals(3, b.samplesTs().length);
            assertTrue(b.avgTs() > 0 && Double.isFinite(b.stddevTs()), b.test());
            assertEquals("llama 135M Q4_0", b.model().type());
            assertEquals(Catalog.get("smollm2-135m").params(), b.model().parameters());
        }
        assertTrue(BenchReport.markdown(r).contains("| model | size | params | backend | threads | test | t/s |"));
    }

    @Test
    void aForkedRunReportsTheSameTestsFromAJvmOfItsOwn() throws Exception {
        List<String> progress = new ArrayList<>();
        List<BenchResult> r = ForkedBench.run(twin, new LlamaBench.Options(8, 4, 2, 1), progress::add);
        assertEquals(List.of("pp8", "tg4"), r.stream().map(BenchResult::test).toList());
        for (BenchResult b : r) {
            assertEquals(2, b.samplesTs().length);
            assertTrue(b.avgTs() > 0, b.test());
            assertEquals("llama 135M Q4_0", b.model().type());
        }
        assertTrue(progress.stream().anyMatch(p -> p.startsWith("tg4 repetition 2/2")), progress.toString());
        assertFalse(progress.stream().anyMatch(p -> p.startsWith("result ")), "result lines are not progress");
    }

    @Test
    void aForkedRunThatFailsSaysWhy() {
        var e = assertThrows(java.io.IOException.class,
                () -> ForkedBench.run(dir.resolve("missing.gguf"), new LlamaBench.Options(8, 0, 1, 1), p -> { }));
        assertTrue(e.getMessage().contains("missing.gguf"), e.getMessage());
    }

    @Test
    void standardDeviationIsTheSampleOne() {
        var info = new BenchResult.ModelInfo("f", "t", "F16", 1, 1);
        BenchResult r = new BenchResult(info, 0, 1, 1, new double[] {1, 2, 3, 4});
        assertEquals(2.5, r.avgTs(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), r.stddevTs(), 1e-12);
        // 1 token at 1, 2, 3, 4 t/s took 1e9, 5e8, 3.33e8, 2.5e8 ns: their own mean, not 1e9 / 2.5.
        assertEquals((1e9 + 5e8 + 1e9 / 3 + 2.5e8) / 4, BenchResult.mean(r.samplesNs()), 1e-3);
    }

    @Test
    void commandLineJsonUsesLlamaBenchFieldNames() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cmd = Lab.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        assertEquals(0, cmd.execute("bench", "-m", twin.toString(), "-p", "4", "-n", "2", "-r", "1", "-t", "1", "-o", "json"));
        JsonNode rows = new ObjectMapper().readTree(out.toString());
        assertEquals(2, rows.size());
        for (String field : new String[] {"n_prompt", "n_gen", "n_threads", "avg_ts", "stddev_ts", "samples_ts",
            "model_size", "model_n_params", "model_type", "jvm", "cpu_flags", "vector_bits", "build_commit"}) {
            assertTrue(rows.get(0).has(field), field);
        }
        assertEquals(4, rows.get(0).get("n_prompt").asInt());
        assertEquals(2, rows.get(1).get("n_gen").asInt());
    }
}
