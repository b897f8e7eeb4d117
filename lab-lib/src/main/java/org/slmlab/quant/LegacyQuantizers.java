package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.slmlab.gguf.LittleEndian;

/** Steps the quantizers of the 32-weight "legacy" types (Q4_0, Q4_1, Q5_0, Q5_1) share. */
final class LegacyQuantizers {

    private LegacyQuantizers() {
    }

    /**
     * The per-weight weights of ggml's importance-matrix quantizers for these types: {@code importance[j] ·
     * sqrt(σ² + x[j]²)}, σ² being the mean square of the whole row — an important column counts more, and so
     * does a large weight, but no weight counts for nothing.
     */
    static float[] rowWeights(float[] x, int from, int n, float[] importance) {
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
    static float[] minMaxCodes(float[] x, int from, int levels, byte[] codes, boolean unclamped) {
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
    static float[] weightedMinCodes(float[] x, int from, int levels, float[] weights, int wFrom, byte[] codes) {
        float[] negMin = new float[1];
        float d = KQuantSearch.makeQkxQuants(codes.length, levels, x, from, weights, wFrom, codes, 0, negMin, 0,
                new byte[codes.length], -0.9f, 0.05f, 36, false, true);
        return new float[] {d, -negMin[0]};
    }

    /** 32 4-bit codes into 16 bytes: byte j holds code j (low nibble) and code j+16 (high nibble). */
    static void packNibbles(byte[] codes, MemorySegment dst, long qs) {
        int half = codes.length / 2;
        for (int j = 0; j < half; j++) {
            dst.set(ValueLayout.JAVA_BYTE, qs + j, (byte) ((codes[j] & 0x0F) | (codes[j + half] & 0x0F) << 4));
        }
    }

    /** 32 5-bit codes: the low 4 bits as {@link #packNibbles}, every fifth bit into the 32-bit word at qh. */
    static void packFiveBits(byte[] codes, MemorySegment dst, long qh, long qs) {
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
    static float[] minMax(float[] x, int from, int n) {
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
