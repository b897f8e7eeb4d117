package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.TestData.Kind;

/**
 * {@link FloatTile} promises more than {@link FastPathTest} asks: for the float weight types every output is summed
 * in llamafile's tinyBLAS order — 16 lanes, lane j the fused multiply-adds of the columns k ≡ j (mod 16) in order,
 * then {@link GgmlSum#reduce16} — whatever the tile shape: several panels of 32 rows and a partial one (with a
 * partial second half), several groups of 8 tokens and a partial one, rows long enough for the padded strides. One
 * token ({@link DequantizingDot}'s matrix-vector kernel) must give the same bits too.
 */
class FloatTileTest {

    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16", "BF16"})
    void everyShapeSumsInTinyBlasOrderBitForBit(String name) {
        assumeTrue(Simd.FAST, "no 512-bit vectors: the fast paths are off");
        QuantCodec codec = Codecs.of(GgmlType.valueOf(name));
        QuantCodec actCodec = Codecs.of(codec.vecDotType());
        Kind[] kinds = Kind.values();
        try (Arena arena = Arena.ofConfined()) {
            for (int n : new int[] {48, 1024}) {
                long wRowBytes = codec.type().bytesFor(n);
                long aRowBytes = actCodec.type().bytesFor(n);
                int rows = 70; // two panels of 32 and one of 6
                MemorySegment w = TestData.weightRows(arena, codec, n, rows);
                for (int acts : new int[] {1, 2, 8, 19}) {
                    MemorySegment a = arena.allocate(aRowBytes * acts, 64);
                    for (int t = 0; t < acts; t++) {
                        float[] x = TestData.floats(kinds[(t + 1) % kinds.length], n, 200L + t);
                        actCodec.quantizeActivation(x, 0, a, t * aRowBytes, n);
                    }
                    // a slice of 49 rows from row 17: a panel of 32 and one of 17 (one full vector and one lane)
                    int first = 17;
                    int count = 49;
                    int outStride = count + 3;
                    float[] out = new float[acts * outStride];
                    codec.dotTile(w, first * wRowBytes, wRowBytes, count, a, 0, aRowBytes, acts, n, out, 0,
                            outStride);
                    for (int t = 0; t < acts; t++) {
                        float[] x = new float[n];
                        actCodec.dequantizeScalar(a, t * aRowBytes, x, 0, n);
                        for (int r = 0; r < count; r++) {
                            float[] wr = new float[n];
                            codec.dequantizeScalar(w, (first + r) * wRowBytes, wr, 0, n);
                            float expected = tinyBlasOrder(wr, x);
                            float got = out[t * outStride + r];
                            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got),
                                    name + " n=" + n + ", " + acts + " tokens, row " + r + ", token " + t + ": "
                                            + expected + " vs " + got);
                        }
                    }
                }
            }
        }
    }

    /** The reference order, one lane at a time. */
    private static float tinyBlasOrder(float[] w, float[] x) {
        float[] lanes = new float[GgmlSum.LANES];
        for (int k = 0; k < w.length; k++) {
            lanes[k % GgmlSum.LANES] = Math.fma(w[k], x[k], lanes[k % GgmlSum.LANES]);
        }
        return GgmlSum.reduce16(lanes, 0);
    }
}
