package org.slmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.testing.SharedReference;

/** {@code lab tokenize}: ids of a prompt, llama.cpp's test-vector format, special tokens, and user errors. */
class TokenizeCommandTest {

    private static LabRun lab(String... args) {
        return LabRun.inProcess(args);
    }

    private static String vocab(String name) {
        return SharedReference.path("vocab/ggml-vocab-" + name + ".gguf").toString();
    }

    @Test
    void testVectorsPrintTheOutFileLineForLine() throws IOException {
        for (String name : new String[] {"phi-3", "qwen2"}) {
            Path inp = SharedReference.path("vocab/ggml-vocab-" + name + ".gguf.inp");
            String expected = Files.readString(Path.of(inp.toString().replace(".inp", ".out")), StandardCharsets.UTF_8);
            LabRun run = lab("tokenize", "-m", vocab(name), "--test-vectors", inp.toString());
            assertEquals(0, run.status(), run.err());
            assertEquals(expected, run.out().replace(System.lineSeparator(), "\n"), name);
        }
    }

    @Test
    void promptGetsBosLikeLlamaCpp() {
        Path model = SharedReference.path("models/stories260K-F32.gguf");
        LabRun run = lab("tokenize", "-m", model.toString(), "-p", "One day, a little boy named Tom went to the park. He saw a big");
        assertEquals(0, run.status(), run.err());
        assertEquals("1 385 328 432 261 376 268 414 422 395 274 287 263 377 267 265 282 295 433 426 346 394 261 370",
                run.out().strip());
        LabRun noBos = lab("tokenize", "-m", model.toString(), "-p", "One day", "--no-bos");
        assertEquals("385 328", noBos.out().strip());
    }

    @Test
    void specialMakesControlTextOneToken() {
        String qwen = vocab("qwen2");
        LabRun plain = lab("tokenize", "-m", qwen, "-p", "<|im_start|>user", "--no-bos");
        LabRun special = lab("tokenize", "-m", qwen, "-p", "<|im_start|>user", "--no-bos", "--special");
        assertEquals("151644 872", special.out().strip());
        assertTrue(plain.out().strip().split(" ").length > 2, plain.out());
        LabRun pieces = lab("tokenize", "-m", qwen, "-p", "<|im_start|>user", "--special", "--pieces");
        assertTrue(pieces.out().contains("151644  '<|im_start|>'") && pieces.out().contains("control"), pieces.out());
    }

    @Test
    void userErrorsAreOneLineWithStatus2(@TempDir Path dir) throws IOException {
        LabRun missing = lab("tokenize", "-m", dir.resolve("nope.gguf").toString(), "-p", "hi");
        assertEquals(2, missing.status());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("nope.gguf"), missing.err());

        // A GGUF file without a tokenizer: the reference quantization files have none.
        LabRun noVocab = lab("tokenize", "-m", SharedReference.path("quant/quant-Q4_0.gguf").toString(), "-p", "hi");
        assertEquals(2, noVocab.status());
        assertEquals(1, noVocab.err().strip().lines().count(), noVocab.err());
        assertTrue(noVocab.err().contains("tokenizer.ggml.tokens"), noVocab.err());

        LabRun both = lab("tokenize", "-m", vocab("gpt-2"), "-p", "hi", "--test-vectors", "x.inp");
        assertEquals(2, both.status());
    }
}
