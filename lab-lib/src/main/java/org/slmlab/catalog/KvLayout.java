package org.slmlab.catalog;

import org.slmlab.gguf.GGUFFile;

/**
 * What the KV cache holds per token: every layer caches a key and a value vector for each KV head. Layers with a
 * sliding window (Gemma 3's local layers) never hold more than their window.
 *
 * @param slidingWindow tokens a local layer keeps, or null when every layer is global
 * @param globalEvery with a window: layer i is global iff (i+1) % globalEvery == 0
 */
public record KvLayout(int layers, int kvHeads, int keyLength, int valueLength, Integer slidingWindow, int globalEvery) {

    /** llama.cpp's default for Gemma 3, whose files do not store the pattern: 5 local layers, then 1 global. */
    static final int GEMMA3_PATTERN = 6;

    public boolean isGlobalLayer(int i) {
        return slidingWindow == null || (i + 1) % globalEvery == 0;
    }

    /** Bytes cached for a context of {@code ctx} tokens at {@code bytesPerElement} (2 for F16, 4 for F32). */
    public long bytes(long ctx, int bytesPerElement) {
        long perToken = (long) kvHeads * (keyLength + valueLength) * bytesPerElement;
        long total = 0;
        for (int i = 0; i < layers; i++) {
            total += perToken * (isGlobalLayer(i) ? ctx : Math.min(ctx, slidingWindow));
        }
        return total;
    }

    /** The layout a GGUF file describes in its {@code <arch>.*} metadata. */
    public static KvLayout of(GGUFFile f) {
        String a = f.getString("general.architecture");
        int heads = f.getInt(a + ".attention.head_count");
        int headDim = f.getInt(a + ".embedding_length") / heads;
        int window = f.getInt(a + ".attention.sliding_window", 0);
        boolean gemma3 = a.equals("gemma3");
        return new KvLayout(
                f.getInt(a + ".block_count"),
                f.getInt(a + ".attention.head_count_kv", heads),
                f.getInt(a + ".attention.key_length", headDim),
                f.getInt(a + ".attention.value_length", headDim),
                gemma3 && window > 0 ? Integer.valueOf(window) : null,
                f.getInt(a + ".attention.sliding_window_pattern", GEMMA3_PATTERN));
    }
}
