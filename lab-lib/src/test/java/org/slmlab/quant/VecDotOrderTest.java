package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;
import org.slmlab.quant.TestData.Kind;
import org.slmlab.testing.SharedReference;

/**
 * The types llama.cpp multiplies with {@code ggml_vec_dot_*} for every (row, token) pair, a prompt's too (Q4_1,
 * Q5_1, Q1_0, TQ1_0, TQ2_0: no tinyBLAS kernel takes them), sum in exactly its x86 order: the scalar reference gives ggml's own
 * dot products bit for bit, and the fast kernels give the scalar reference's (Q4_1 and Q5_1: {@link Q0TileTest}).
 */
class VecDotOrderTest {

    @ParameterizedTest
    @ValueSource(strings = {"Q4_1", "Q5_1", "Q1_0", "TQ1_0", "TQ2_0"})
    void scalarReferenceEqualsGgmlBitForBit(String name) throws IOException {
        GgmlType type = GgmlType.valueOf(name);
        QuantCodec codec = Codecs.of(type);
        try (GGUFFile g = GGUFFile.open(SharedReference.path("quant/quant-" + name + ".gguf"))) {
            int n = (int) g.tensor("input").rowLength();
            MemorySegment w = g.tensorData("quantized");
            MemorySegment act = g.tensorData("activation_q");
            MemorySegment matvec = g.tensorData("matvec");
            for (int r = 0; r < g.tensor("input").rows(); r++) {
                float ggml = matvec.get(LittleEndian.FLOAT, 4L * r);
                float mine = codec.dotScalar(w, r * type.bytesFor(n), act, 0, n);
                assertEquals(Float.floatToRawIntBits(ggml), Float.floatToRawIntBits(mine),
                        name + " row " + r + ": " + mine + ", ggml " + ggml);
            }
        }
    }

    /** TQ1_0 and TQ2_0 multiply a batch with the same kernel, pair by pair, so this covers their tiles too. */
    @ParameterizedTest
    @ValueSource(strings = {"Q1_0", "TQ1_0", "TQ2_0"})
    void fastDotEqualsTheScalarReferenceBitForBit(String name) {
        assumeTrue(Simd.FAST, "no 512-bit vectors: the fast paths are off");
        GgmlType type = GgmlType.valueOf(name);
        QuantCodec codec = Codecs.of(type);
        QuantCodec q8 = Codecs.of(codec.vecDotType());
        int n = TestData.length(type, 3);
        long rowBytes = type.bytesFor(n);
        try (Arena arena = Arena.ofConfined()) {
            int rows = Kind.values().length + 2; // every kind of data, then random bytes (scales infinite, NaN)
            MemorySegment w = TestData.weightRows(arena, codec, n, rows);
            MemorySegment a = arena.allocate(q8.type().bytesFor(n));
            for (Kind kind : Kind.values()) {
                q8.quantizeActivation(TestData.floats(kind, n, 7), 0, a, 0, n);
                for (int r = 0; r < rows; r++) {
                    float scalar = codec.dotScalar(w, r * rowBytes, a, 0, n);
                    float fast = codec.dotFast(w, r * rowBytes, a, 0, n);
                    assertEquals(Float.floatToIntBits(scalar), Float.floatToIntBits(fast),
                            name + " row " + r + ", activation " + kind + ": " + scalar + " vs " + fast);
                }
            }
        }
    }
}
