package org.slmlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slmlab.catalog.KvLayout;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.model.Model;
import org.slmlab.model.ModelConfig;
import org.slmlab.tensor.WorkerPool;
import org.slmlab.testing.SharedReference;

/**
 * Gemma 3's local layers keep only their window (a ring of {@code sliding_window} rows), and that changes nothing:
 * the logits equal those of a cache that keeps every position, bit for bit, for a prompt three times the window
 * (the minis' window is 8, the golden prompt 24 tokens), whether it comes in one batch or in pieces that wrap
 * the ring mid-batch.
 */
class SlidingWindowCacheTest {

    @ParameterizedTest
    @CsvSource({"mini-gemma3-F32, F32", "mini-gemma3-6L-F32, F32", "mini-gemma3-6L-F32, F16", "mini-gemma3-Q4_0, F32"})
    void windowedCacheGivesTheFullCachesLogits(String stem, GgmlType kvType) throws IOException {
        try (GGUFFile golden = GGUFFile.open(SharedReference.path("models/" + stem + ".golden.gguf"));
             Model model = Model.load(SharedReference.path("models/" + stem + ".gguf"));
             WorkerPool pool = new WorkerPool(1)) {
            ModelConfig cfg = model.config();
            int[] tokens = GoldenData.ints(golden, "tokens");
            assertEquals(8, cfg.slidingWindow(), "the minis' window");
            assertTrue(tokens.length > 2 * cfg.slidingWindow(), "the prompt must outrun the window");
            var tf = new Transformer(cfg, model.weights(), pool, 64);
            int[] pieces = {5, 1, 1, 10, 7}; // the 10-token batch is longer than the window and wraps the ring
            for (int[] batches : new int[][] {{tokens.length}, pieces}) {
                // The full cache sees the same batches: a codec's tile kernel may round a token differently in a
                // batch of another size, which is no business of the cache's.
                float[] expected = GoldenData.repeatable(() -> run(tf, fullCache(cfg, kvType), tokens, batches));
                KvCache windowed = tf.newCache(64, kvType);
                assertArrayEquals(expected, run(tf, windowed, tokens, batches), Arrays.toString(batches));
                // The memory is what ./lab footprint says a context of 64 costs.
                try (GGUFFile f = GGUFFile.open(SharedReference.path("models/" + stem + ".gguf"))) {
                    assertEquals(KvLayout.of(f).bytes(64, kvType.typeSize()), windowed.bytes(), "KV bytes");
                }
            }
        }
    }

    private static KvCache fullCache(ModelConfig cfg, GgmlType kvType) {
        return new KvCache(cfg.blockCount(), cfg.keyWidth(), cfg.valueWidth(), 64, kvType, new int[cfg.blockCount()]);
    }

    /** The logits of every token, fed in batches of the given sizes. */
    private static float[] run(Transformer tf, KvCache cache, int[] tokens, int[] batches) {
        float[] all = new float[0];
        int at = 0;
        for (int size : batches) {
            all = concat(all, tf.forward(cache, Arrays.copyOfRange(tokens, at, at + size), true, null));
            at += size;
        }
        assertEquals(tokens.length, at);
        return all;
    }

    /** A pass abandoned after writing a ring leaves rows the next token needs overwritten: that must not go unseen. */
    @org.junit.jupiter.api.Test
    void anAbandonedPassThatWroteARingStopsTheNextOne() throws IOException {
        try (GGUFFile golden = GGUFFile.open(SharedReference.path("models/mini-gemma3-F32.golden.gguf"));
             Model model = Model.load(SharedReference.path("models/mini-gemma3-F32.gguf"));
             WorkerPool pool = new WorkerPool(1)) {
            ModelConfig cfg = model.config();
            int[] tokens = GoldenData.ints(golden, "tokens");
            var tf = new Transformer(cfg, model.weights(), pool, 64);
            KvCache cache = tf.newCache(64, GgmlType.F32);
            tf.forward(cache, Arrays.copyOf(tokens, 12), false, null);
            assertTrue(cfg.isSlidingLayer(0));
            // What an interrupted pass leaves behind: layer 0 (a ring) stored 4 more tokens, the length stayed 12.
            float[] k = new float[4 * cfg.keyWidth()];
            float[] v = new float[4 * cfg.valueWidth()];
            cache.store(0, 12, 4, k, v);
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> tf.forward(cache, new int[] {tokens[12]}, false, null));
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
            cache.setLength(0);
            assertArrayEquals(tf.forward(tf.newCache(64, GgmlType.F32), tokens, false, null),
                    tf.forward(cache, tokens, false, null), "after a reset the cache works again");
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
