package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.slmlab.catalog.Catalog;
import org.slmlab.catalog.ModelSpec;
import org.slmlab.catalog.TensorSpec;
import org.slmlab.gguf.GgmlType;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;

@Exercise(number = 2, title = "Memory footprint: weights and KV cache")
class MemoryFootprintTest {

    /** The lab's answer: every tensor's bytes from the one type table. */
    private static long expectedWeightBytes(ModelSpec m, GgmlType type) {
        return m.tensors().stream()
                .mapToLong(t -> (t.isMatrix() ? type : GgmlType.F32).bytesFor(t.elementCount()))
                .sum();
    }

    @Test
    @Points(1)
    void f16WeightsAreTwoBytesPerParameter() {
        ModelSpec m = Catalog.get("qwen3-0.6b");
        assertEquals(expectedWeightBytes(m, GgmlType.F16), MemoryFootprint.weightBytes(m, GgmlType.F16));
    }

    @Test
    @Points(2)
    void blockTypesCountBlocksNotWeights() {
        for (String id : new String[] {"qwen3-0.6b", "phi-4-mini", "gemma-3-270m", "llama-3.2-1b"}) {
            ModelSpec m = Catalog.get(id);
            for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_1}) {
                assertEquals(expectedWeightBytes(m, t), MemoryFootprint.weightBytes(m, t), id + " " + t);
            }
        }
    }

    @Test
    @Points(1)
    void vectorsStayF32() {
        ModelSpec m = Catalog.get("llama-3.2-1b"); // has a rope_freqs table too
        long vectors = m.tensors().stream().filter(t -> !t.isMatrix()).mapToLong(TensorSpec::elementCount).sum();
        long matrices = m.tensors().stream().filter(TensorSpec::isMatrix).mapToLong(TensorSpec::elementCount).sum();
        assertEquals(4 * vectors + 2 * matrices, MemoryFootprint.weightBytes(m, GgmlType.F16));
    }

    @Test
    @Points(1)
    void kvCacheOfAllGlobalModels() {
        ModelSpec m = Catalog.get("llama-3-8b");
        assertEquals(m.kvCacheBytes(8192, 2), MemoryFootprint.kvCacheBytes(m, 8192, GgmlType.F16));
        assertEquals(m.kvCacheBytes(4096, 4), MemoryFootprint.kvCacheBytes(m, 4096, GgmlType.F32));
    }

    @Test
    @Points(2)
    void gemmaSlidingWindowLayersKeepOnlyTheirWindow() {
        for (String id : new String[] {"gemma-3-1b", "gemma-3-27b"}) {
            ModelSpec m = Catalog.get(id);
            for (long ctx : new long[] {100, 512, 4096, 32768}) {
                assertEquals(m.kvCacheBytes(ctx, 2), MemoryFootprint.kvCacheBytes(m, ctx, GgmlType.F16), id + " ctx " + ctx);
            }
        }
    }
}
