package org.slmlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.model.Model;
import org.slmlab.testing.SharedReference;
import org.slmlab.tensor.WorkerPool;

/**
 * The logits are the same bits whatever the number of threads: the pool cuts every loop at places that depend on
 * the loop alone, and each piece is computed the same way by whichever thread takes it. Prompt processing (a
 * batch) and generation (one token at a time) both.
 */
class ThreadCountDeterminismTest {

    @ParameterizedTest
    @ValueSource(strings = {"mini-qwen3-Q4_0", "mini-gemma3-Q4_K", "mini-phi3-F16", "mini-llama-Q8_0"})
    void sameLogitsForOneTwoAndThreeThreads(String stem) throws IOException {
        try (GGUFFile golden = GGUFFile.open(SharedReference.path("models/" + stem + ".golden.gguf"));
             Model model = Model.load(SharedReference.path("models/" + stem + ".gguf"))) {
            int[] tokens = GoldenData.ints(golden, "tokens");
            float[] reference = GoldenData.repeatable(() -> run(model, tokens, 1));
            for (int threads : new int[] {2, 3, 1}) {
                assertArrayEquals(reference, run(model, tokens, threads), threads + " threads");
            }
        }
    }

    /** The prompt's logits (one batch) followed by those of one generated token, on a fresh cache. */
    private static float[] run(Model model, int[] tokens, int threads) {
        try (WorkerPool pool = new WorkerPool(threads)) {
            var tf = new Transformer(model.config(), model.weights(), pool, 64);
            KvCache cache = tf.newCache(64, GgmlType.F16);
            float[] prompt = tf.forward(cache, tokens, true, null);
            int vocab = model.config().vocabSize();
            int next = GoldenParityTest.argmax(Arrays.copyOfRange(prompt, prompt.length - vocab, prompt.length));
            float[] step = tf.forward(cache, new int[] {next}, false, null);
            float[] all = Arrays.copyOf(prompt, prompt.length + step.length);
            System.arraycopy(step, 0, all, prompt.length, step.length);
            return all;
        }
    }
}
