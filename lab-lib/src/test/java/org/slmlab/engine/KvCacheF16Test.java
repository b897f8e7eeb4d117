package org.slmlab.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.model.Model;
import org.slmlab.tensor.WorkerPool;
import org.slmlab.testing.SharedReference;

/**
 * The F16 KV cache against llama.cpp's default run ({@code logits}: F16 keys and values, flash attention), on the
 * F32-weight models, where nothing else rounds: the cache's rounding is all that separates that run from the
 * F32-cache one ({@code logits_f32kv_nofa}), by 1.6e-3 to 1.4e-2 here.
 */
class KvCacheF16Test {

    /**
     * Our F16 path must cover most of the way from llama.cpp's F32-cache run to its F16-cache run: its distance to
     * the F16 run is at most this fraction of the distance between the two runs (our F32 path scores 1.0; rounding
     * only the storage, without llama.cpp's F16 accumulator, scores 1.0 to 1.2). Measured 0.33 to 0.65: the rest
     * comes from the F16 accumulator rounding to the other neighbour where an attention weight differs from
     * ggml's in its last bit (the float sums upstream are ordered differently) — 1e-3 relative, per such step.
     */
    static final double SHARE_OF_THE_GAP = 0.7;

    @ParameterizedTest
    @ValueSource(strings = {"mini-llama-F32", "mini-qwen3-F32", "mini-gemma3-F32", "mini-gemma3-6L-F32",
            "mini-phi3-F32", "stories260K-F32"})
    void f16CacheReproducesLlamaCppsF16Run(String stem) throws IOException {
        try (GGUFFile golden = GGUFFile.open(SharedReference.path("models/" + stem + ".golden.gguf"));
             Model model = Model.load(SharedReference.path("models/" + stem + ".gguf"));
             WorkerPool pool = new WorkerPool(1)) {
            int[] tokens = GoldenData.ints(golden, "tokens");
            float[] llamaF16 = GoldenData.floats(golden, "logits");
            float[] llamaF32 = GoldenData.floats(golden, "logits_f32kv_nofa");
            var tf = new Transformer(model.config(), model.weights(), pool, 128);
            float[] ours = tf.forward(tf.newCache(128, GgmlType.F16), tokens, true, null);
            double gap = GoldenData.maxDiff(llamaF16, llamaF32);
            double miss = GoldenData.maxDiff(ours, llamaF16);
            System.out.printf("F16KV %-20s max|Δ| to llama.cpp's F16-cache run %.3g, its runs differ by %.3g%n",
                    stem, miss, gap);
            assertTrue(miss <= SHARE_OF_THE_GAP * gap, stem + ": F16-cache logits are " + miss
                    + " from llama.cpp's F16-cache run, more than " + SHARE_OF_THE_GAP + " × " + gap);
        }
    }
}
