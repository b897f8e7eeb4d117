package org.slmlab.exercises;

import org.slmlab.catalog.ModelSpec;
import org.slmlab.gguf.GgmlType;

/**
 * Exercise 2 (notebook 04-memory-footprint): how much memory does a model need — its weights in a given ggml
 * type, and its KV cache for a given context?
 */
public final class MemoryFootprint {

    private MemoryFootprint() {
    }

    /**
     * Bytes of all weights when every matrix (2-D tensor) is stored as {@code type} and every vector (norm weights,
     * RoPE factor tables: 1-D tensors) as F32, the way {@code llama-quantize --pure} stores a model.
     * {@code m.tensors()} lists the tensors with their shapes; {@code type.blockSize()} and {@code type.typeSize()}
     * say how many weights one block holds and how many bytes it takes.
     */
    public static long weightBytes(ModelSpec m, GgmlType type) {
        throw new UnsupportedOperationException("TODO exercise 2: weight bytes");
    }

    /**
     * Bytes of the KV cache for a context of {@code ctx} tokens, each cached element stored as {@code kvType} (F16
     * or F32): every layer keeps a K and a V vector of {@code kvHeads × headDim} per token. A layer for which
     * {@code m.isGlobalLayer(i)} is false (Gemma 3's sliding-window layers) keeps at most
     * {@code m.slidingWindow()} tokens.
     */
    public static long kvCacheBytes(ModelSpec m, long ctx, GgmlType kvType) {
        throw new UnsupportedOperationException("TODO exercise 2: KV cache bytes");
    }
}
