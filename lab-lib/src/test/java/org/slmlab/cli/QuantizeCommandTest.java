package org.slmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.testing.SharedReference;
import picocli.CommandLine;

/** The command's user-facing behaviour: a working run, and one-line errors with exit status 2. */
class QuantizeCommandTest {

    private record Run(int status, String err) {
    }

    private static Run run(String... args) {
        CommandLine cmd = Lab.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        return new Run(cmd.execute(args), err.toString());
    }

    @Test
    void quantizesAModelAndReportsWhatItWrote(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("q8.gguf");
        Run r = run("quantize", SharedReference.path("models/stories260K-F32.gguf").toString(), out.toString(),
                "q8_0", "--pure", "--threads", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("5 shape fallbacks"), r.err());
        try (GGUFFile f = GGUFFile.open(out)) {
            assertEquals(GgmlType.Q8_0, f.tensor("blk.0.attn_q.weight").type());
            assertEquals(GgmlType.F16, f.tensor("blk.0.ffn_down.weight").type());
            assertEquals(7, f.getInt("general.file_type"));
        }
    }

    @Test
    void anUnknownTypeIsOneLineAndStatusTwo(@TempDir Path tmp) {
        Run r = run("quantize", SharedReference.path("models/stories260K-F32.gguf").toString(),
                tmp.resolve("x.gguf").toString(), "Q9_9");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("lab quantize: unknown quantization type 'Q9_9'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(tmp.resolve("x.gguf")));
    }

    @Test
    void aMissingInputIsOneLineAndStatusTwo(@TempDir Path tmp) {
        Run r = run("quantize", tmp.resolve("none.gguf").toString(), tmp.resolve("x.gguf").toString(), "Q8_0");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("no such file"), r.err());
    }
}
