package org.slmlab.exercises;

import org.slmlab.catalog.ModelSpec;
import org.slmlab.catalog.TensorSpec;
import org.slmlab.gguf.GgmlType;

/** Exercise 2, solved. */
public final class MemoryFootprint {

    private MemoryFootprint() {
    }

    public static long weightBytes(ModelSpec m, GgmlType type) {
        long bytes = 0;
        for (TensorSpec t : m.tensors()) {
            GgmlType stored = t.isMatrix() ? type : GgmlType.F32;
            bytes += t.elementCount() / stored.blockSize() * stored.typeSize();
        }
        return bytes;
    }

    public static long kvCacheBytes(ModelSpec m, long ctx, GgmlType kvType) {
        long perToken = 2L * m.kvHeads() * m.headDim() * kvType.typeSize();
        long bytes = 0;
        for (int i = 0; i < m.layers(); i++) {
            long tokens = m.isGlobalLayer(i) ? ctx : Math.min(ctx, m.slidingWindow());
            bytes += perToken * tokens;
        }
        return bytes;
    }
}
