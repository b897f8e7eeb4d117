package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.slmlab.gguf.LittleEndian;

/**
 * The quantizers of the 32-weight "legacy" types (Q4_0, Q4_1, Q5_0, Q5_1). Q5_0 is Q4_0 with a fifth bit and
 * Q5_1 is Q4_1 with one: ggml's reference quantizers for each pair are the same loop with other constants, so the
 * loop lives here once and each codec passes its own layout (code bits and field offsets).
 */
final class LegacyQuantizers {

    /** Weights per block, for all four types. */
    private static final int QK = 32;

    /** The {@code qhAt} of the 4-bit types, which have no word of fifth bits. */
    static final int NO_QH = -1;

    private LegacyQuantizers() {
    }

    /**
     * Q4_0 and Q5_0 ({@code bits} 4 or 5; a block is {@code d | [qh] | qs}). Without an importance matrix ggml's
     * {@code quantize_row_qN_0_ref}: {@code d = max / −2^(bits−1)}, the weight of largest magnitude (keeping its
     * sign) on code 0. With one ({@code n} is then one row): {@code quantize_row_qN_0_impl}, a weighted
     * least-squares search for the scale ({@link KQuantSearch#makeQxQuants}).
     */
    static void quantizeSymmetric(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n,
                                  float[] importance, int bits, int blockBytes, int qhAt, int qsAt) {
        int half = 1 << (bits - 1);
        float[] weights = importance == null ? null : rowWeights(src, srcOffset, n, importance);
        byte[] codes = new byte[QK];
        for (int b = 0; b < n / QK; b++) {
            int x = srcOffset + b * QK;
            long block = dstOffset + (long) b * blockBytes;
            float d;
            if (weights == null) {
                d = signedAbsMax(src, x, QK) / -half;
                float id = d != 0 ? 1.0f / d : 0.0f;
                for (int j = 0; j < QK; j++) {
                    // + half + 0.5 then truncation: round to nearest after shifting into [0, 2·half]; 2·half only
                    // for the max, hence the clamp.
                    codes[j] = (byte) Math.min(2 * half - 1, (int) (src[x + j] * id + (half + 0.5f)));
                }
            } else {
                d = KQuantSearch.makeQxQuants(QK, half, src, x, codes, 0, weights, b * QK);
            }
            Fp16.write(dst, block, d);
            pack(codes, bits, dst, block + qhAt, block + qsAt);
        }
    }

    /**
     * Q4_1 and Q5_1 ({@code bits} 4 or 5; a block is {@code d | m | [qh] | qs}). Without an importance matrix
     * ggml's {@code quantize_row_qN_1_ref}: 2^bits levels from min to max. With one ({@code n} is then one row):
     * {@code quantize_row_qN_1_impl}, a weighted search for scale and min ({@link KQuantSearch#makeQkxQuants},
     * ggml's make_qkx3_quants).
     */
    static void quantizeMinMax(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n,
                               float[] importance, int bits, int blockBytes, int mAt, int qhAt, int qsAt) {
        int levels = (1 << bits) - 1;
        float[] weights = importance == null ? null : rowWeights(src, srcOffset, n, importance);
        byte[] codes = new byte[QK];
        for (int b = 0; b < n / QK; b++) {
            int x = srcOffset + b * QK;
            long block = dstOffset + (long) b * blockBytes;
            // Q5_1 codes are not clamped to 31, unlike Q4_1's to 15: ggml's reference has no clamp there (the max
            // lands on 31.0 exactly).
            float[] dm = weights == null
                    ? minMaxCodes(src, x, levels, codes, bits == 5)
                    : weightedMinCodes(src, x, levels, weights, b * QK, codes);
            Fp16.write(dst, block, dm[0]);
            Fp16.write(dst, block + mAt, dm[1]);
            pack(codes, bits, dst, block + qhAt, block + qsAt);
        }
    }

    /** 4-bit codes as nibbles at {@code qs}; 5-bit ones also with their fifth bits in the word at {@code qh}. */
    private static void pack(byte[] codes, int bits, MemorySegment dst, long qh, long qs) {
        if (bits == 5) {
            packFiveBits(codes, dst, qh, qs);
        } else {
            packNibbles(codes, dst, qs);
        }
    }

    /**
     * The per-weight weights of ggml's importance-matrix quantizers for these types: {@code importance[j] ·
     * sqrt(σ² + x[j]²)}, σ² being the mean square of the whole row — an important column counts more, and so
     * does a large weight, but no weight counts for nothing.
     */
    private static float[] rowWeights(float[] x, int from, int n, float[] importance) {
        if (importance.length < n) {
            throw new IllegalArgumentException("importance matrix row has " + importance.length
                    + " values, the row " + n);
        }
        float sumX2 = 0;
        for (int j = from; j < from + n; j++) {
            sumX2 += x[j] * x[j];
        }
        float sigma2 = sumX2 / n;
        float[] w = new float[n];
        for (int j = 0; j < n; j++) {
            float xj = x[from + j];
            w[j] = importance[j] * (float) Math.sqrt(sigma2 + xj * xj);
        }
        return w;
    }

    /**
     * The reference quantizer of Q4_1/Q5_1: {@code levels + 1} codes spread evenly from the block's min to its
     * max; returns {d, m}. Q4_1 clamps codes to {@code levels}, Q5_1 does not ({@code unclamped}).
     */
    private static float[] minMaxCodes(float[] x, int from, int levels, byte[] codes, boolean unclamped) {
        float[] minMax = minMax(x, from, codes.length);
        float min = minMax[0];
        float d = (minMax[1] - min) / levels;
        float id = d != 0 ? 1.0f / d : 0.0f;
        for (int j = 0; j < codes.length; j++) {
            int q = (int) ((x[from + j] - min) * id + 0.5f);
            codes[j] = (byte) (unclamped ? q : Math.min(levels, q));
        }
        return new float[] {d, min};
    }

    /** The importance-matrix quantizer of Q4_1/Q5_1 ({@code quantize_row_q4_1_impl}); returns {d, m}. */
    private static float[] weightedMinCodes(float[] x, int from, int levels, float[] weights, int wFrom, byte[] codes) {
        float[] negMin = new float[1];
        float d = KQuantSearch.makeQkxQuants(codes.length, levels, x, from, weights, wFrom, codes, 0, negMin, 0,
                new byte[codes.length], -0.9f, 0.05f, 36, false, true);
        return new float[] {d, -negMin[0]};
    }

    /** 32 4-bit codes into 16 bytes: byte j holds code j (low nibble) and code j+16 (high nibble). */
    private static void packNibbles(byte[] codes, MemorySegment dst, long qs) {
        int half = codes.length / 2;
        for (int j = 0; j < half; j++) {
            dst.set(ValueLayout.JAVA_BYTE, qs + j, (byte) ((codes[j] & 0x0F) | (codes[j + half] & 0x0F) << 4));
        }
    }

    /** 32 5-bit codes: the low 4 bits as {@link #packNibbles}, every fifth bit into the 32-bit word at qh. */
    private static void packFiveBits(byte[] codes, MemorySegment dst, long qh, long qs) {
        packNibbles(codes, dst, qs);
        int bits = 0;
        for (int j = 0; j < codes.length; j++) {
            bits |= ((codes[j] >>> 4) & 1) << j;
        }
        dst.set(LittleEndian.INT, qh, bits);
    }

    /**
     * The value of largest magnitude among {@code x[from .. from+n)}, with its sign (the first one on ties).
     * Q4_0 and Q5_0 divide it by −8 or −16, so this weight lands exactly on the most negative code.
     */
    static float signedAbsMax(float[] x, int from, int n) {
        float amax = 0;
        float max = 0;
        for (int j = from; j < from + n; j++) {
            if (amax < Math.abs(x[j])) {
                amax = Math.abs(x[j]);
                max = x[j];
            }
        }
        return max;
    }

    /** {min, max} of {@code x[from .. from+n)}: Q4_1 and Q5_1 spread their codes over this range. */
    private static float[] minMax(float[] x, int from, int n) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = from; j < from + n; j++) {
            // Plain comparisons, as ggml: Math.min would prefer −0 over +0 and change the stored fp16 bits.
            if (x[j] < min) {
                min = x[j];
            }
            if (x[j] > max) {
                max = x[j];
            }
        }
        return new float[] {min, max};
    }
}
