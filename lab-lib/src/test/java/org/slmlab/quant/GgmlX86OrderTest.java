package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.TestData.Kind;

/**
 * Q8_0's single-token kernel against llama.cpp's x86 order of the same sum, written out plainly here: per block,
 * eight int lanes, lane k the sum of products 4k .. 4k+3 ({@code vpdpbusd}, or {@code maddubs} + {@code madd});
 * one fused multiply-add of each lane with {@code d_w·d_a} into eight float accumulators, blocks in order
 * ({@code _mm256_fmadd_ps}); {@code hsum_float_8} at the end. {@code ggml_vec_dot_q8_0_q8_0} (AVX2 and AVX-512
 * builds) and tinyBLAS's Q8_0 kernel both sum this way, so a kernel that matches this matches llama.cpp's
 * matrix-vector products bit for bit — not merely within rounding, as {@link FastPathTest} asks of every codec.
 */
class GgmlX86OrderTest {

    private static final int QK = 32;
    private static final int LANES = 8;

    /** llama.cpp's x86 order, lane by lane. */
    static float ggmlX86(MemorySegment w, MemorySegment act, int n) {
        float[] acc = new float[LANES];
        for (int b = 0; b < n / QK; b++) {
            long wb = (long) b * Q8_0Codec.BLOCK_BYTES;
            float d = Fp16.read(w, wb) * Fp16.read(act, wb);
            for (int k = 0; k < LANES; k++) {
                int lane = 0;
                for (int j = 4 * k; j < 4 * k + 4; j++) {
                    lane += w.get(JAVA_BYTE, wb + Q8_0Codec.QS + j) * act.get(JAVA_BYTE, wb + Q8_0Codec.QS + j);
                }
                acc[k] = Math.fma(d, (float) lane, acc[k]);
            }
        }
        return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    }

    @Test
    void q8_0RowDotIsLlamaCppsSumBitForBit() {
        assumeTrue(Simd.FAST, "the fast path is off on this CPU");
        QuantCodec codec = Codecs.of(GgmlType.Q8_0);
        int compared = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int blocks : new int[] {1, 2, 9, 32, 96}) {
                int n = blocks * QK;
                for (Kind kind : new Kind[] {Kind.NORMAL, Kind.OUTLIERS, Kind.UNIFORM, Kind.SMALL}) {
                    for (int seed = 0; seed < 8; seed++) {
                        MemorySegment w = TestData.quantized(arena, codec, TestData.floats(kind, n, 31L * seed + n));
                        MemorySegment act = arena.allocate(GgmlType.Q8_0.bytesFor(n), 64);
                        codec.quantizeActivation(TestData.floats(Kind.OUTLIERS, n, 7L * seed + n + 1), 0, act, 0, n);
                        float expected = ggmlX86(w, act, n);
                        float fast = codec.dotFast(w, 0, act, 0, n);
                        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(fast),
                                kind + " n=" + n + " seed " + seed + ": llama.cpp " + expected + ", fast " + fast);
                        compared++;
                    }
                }
            }
        }
        assertEquals(5 * 4 * 8, compared);
    }
}
