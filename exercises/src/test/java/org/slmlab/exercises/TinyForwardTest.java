package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slmlab.engine.Transformer;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.model.Model;
import org.slmlab.sampling.Sampler;
import org.slmlab.tensor.WorkerPool;
import org.slmlab.twin.TinyLlama;

@Exercise(number = 14, title = "A whole forward pass, checked against the engine")
class TinyForwardTest {

    static final TinyLlama MODEL = TinyLlama.random(new TinyLlama.Config(64, 2, 4, 2, 128, 300, 1e-5f, 10000f), 14);
    static final int[] TOKENS = {1, 57, 260, 3, 199, 42, 7, 288, 101, 5};
    static float[] engineLogits;

    /** The same weights through the lab's engine (F32 weights: plain float arithmetic, no activation rounding). */
    @BeforeAll
    static void runTheEngine() throws IOException {
        Path file = Files.createTempFile("tiny-llama", ".gguf");
        try {
            MODEL.write(file);
            try (Model model = Model.load(file); WorkerPool pool = new WorkerPool(1)) {
                Transformer t = new Transformer(model.config(), model.weights(), pool, 64);
                engineLogits = t.forward(t.newCache(64), TOKENS, false, null);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Float sums in another order differ by ~1e-6 per step; after two layers 1e-3 on logits of order one is ample. */
    @Test
    @Points(3)
    void logitsMatchTheEngine() {
        float[] mine = TinyForward.logits(MODEL, TOKENS);
        assertEquals(engineLogits.length, mine.length, "one logit per vocabulary entry");
        for (int i = 0; i < mine.length; i++) {
            assertEquals(engineLogits[i], mine[i], 1e-3f, "logit " + i);
        }
    }

    @Test
    @Points(2)
    void nextTokenIsTheEnginesGreedyChoice() {
        float[] sorted = engineLogits.clone();
        Arrays.sort(sorted);
        assertTrue(sorted[sorted.length - 1] - sorted[sorted.length - 2] > 1e-2, "the fixture has a clear winner");
        assertEquals(Sampler.argmax(engineLogits), TinyForward.nextToken(MODEL, TOKENS));
    }
}
