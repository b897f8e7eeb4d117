package org.slmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.testing.SharedReference;

/** {@code lab inspect}, in process and as a separate java process the way a user runs it. */
class InspectCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void humanViewShowsWhatTheFileHolds() throws IOException {
        Path file = SharedReference.path("models/mini-llama-Q4_K_M.gguf");
        JsonNode expected = MAPPER.readTree(SharedReference.path("gguf/mini-llama-Q4_K_M.reader.json").toFile());
        LabRun run = LabRun.inProcess("inspect", file.toString());
        assertEquals(0, run.status(), run.err());

        long parameters = 0;
        long bytes = 0;
        for (JsonNode t : expected.get("tensors")) {
            parameters += t.get("n_elements").asLong();
            bytes += t.get("nbytes").asLong();
            assertTrue(run.out().contains(t.get("name").asText()), "tensor table lists " + t.get("name"));
        }
        String out = run.out();
        assertTrue(out.contains(String.format(Locale.ROOT, "parameters: %,d", parameters)), out);
        assertTrue(out.contains(String.format(Locale.ROOT, "average: %.3f bits per weight", bytes * 8.0 / parameters)), out);
        assertTrue(out.contains("architecture  llama"), out);
        assertTrue(out.contains("file type     Q4_K_M"), out);
        assertTrue(out.contains("block_count"), out);
        assertTrue(out.contains("(grouped-query attention)                2 : 1"), out);
        assertTrue(out.contains("vocabulary    512 tokens"), out);
        assertTrue(out.contains("tokenizer.ggml.tokens") && out.contains("512 x [\"<unk>\", \"<s>\", \"</s>\""), out);
        assertTrue(out.contains("Q6_K") && out.contains("Q4_K"), "totals per type: " + out);
    }

    @Test
    void chatTemplateIsShown() throws IOException {
        LabRun run = LabRun.inProcess("inspect", SharedReference.path("vocab/ggml-vocab-phi-3.gguf").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("chat template (Jinja):"), run.out());
        assertTrue(run.out().contains("<|assistant|>"), run.out());
        assertTrue(run.out().contains("no tensor data"), run.out());
    }

    @Test
    void jsonEqualsGgufPysView() throws Exception {
        Path file = SharedReference.path("models/stories260K-Q8_0.gguf");
        JsonNode expected = MAPPER.readTree(SharedReference.path("gguf/stories260K-Q8_0.reader.json").toFile());
        LabRun run = LabRun.asUser("inspect", "--json", file.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(expected, MAPPER.readTree(run.out()));
    }

    @Test
    void aMalformedFileIsOneLineOnStderrAndStatus2() throws Exception {
        Path file = SharedReference.path("malformed/array_str_count_huge.gguf");
        LabRun run = LabRun.asUser("inspect", file.toString());
        assertEquals(2, run.status());
        assertEquals("", run.out());
        List<String> lines = run.err().lines().filter(l -> !l.startsWith("WARNING: Using incubator")).toList();
        assertEquals(1, lines.size(), run.err());
        String line = lines.getFirst();
        assertTrue(line.startsWith("lab inspect: " + file + ": at byte "), line);
        assertTrue(line.contains("length of array 'golden.arr_str'"), line);
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), "no stack trace: " + run.err());

        LabRun missing = LabRun.inProcess("inspect", file.resolveSibling("no-such-file.gguf").toString());
        assertEquals(2, missing.status());
        assertEquals(1, missing.err().lines().count(), missing.err());
    }

    /**
     * Inspect shows any file the reader opens, however odd its metadata (a hyperparameter of the wrong type, a
     * missing architecture ...), and any file it rejects gets the one-line error: mutated metadata bytes of
     * valid files give exit status 0 or a GGUFFormatException's line, never another failure.
     */
    @Test
    void oddButWellFormedFilesAreShownAndBrokenOnesRejected(@TempDir Path tmp) throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        int shown = 0;
        for (String name : List.of("malformed/valid_base.gguf", "models/mini-llama-Q4_0.gguf")) {
            byte[] original = Files.readAllBytes(SharedReference.path(name));
            long metadataEnd;
            try (GGUFFile f = GGUFFile.open(SharedReference.path(name))) {
                metadataEnd = f.dataOffset();
            }
            for (int i = 0; i < 60; i++) {
                byte[] bytes = original.clone();
                int at = random.nextInt((int) metadataEnd);
                bytes[at] = (byte) random.nextInt(256);
                Path file = tmp.resolve("case.gguf");
                Files.write(file, bytes);
                LabRun run = LabRun.inProcess("inspect", file.toString());
                String what = name + " with byte " + at + " = " + bytes[at] + ": " + run.err();
                if (run.status() == 0) {
                    shown++;
                    assertTrue(run.out().contains("Metadata ("), what);
                } else {
                    assertEquals(2, run.status(), what);
                    assertEquals(1, run.err().lines().count(), what);
                    assertTrue(run.err().startsWith("lab inspect: " + file + ": at byte "), what);
                }
            }
        }
        assertTrue(shown > 10, "some mutants are well-formed: " + shown);
    }
}
