package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * The 32-weight "legacy" types Q4_0, Q4_1, Q5_0 and Q5_1: one block layout with optional fields, and the
 * reference code that follows from it. Q5_0 is Q4_0 with a fifth bit per weight, Q4_1 is Q4_0 with a min, Q5_1
 * has both; ggml's reference quantizers and dequantizers for the four are the same loops with other constants,
 * so those loops live here once and each codec passes its {@link Layout}.
 */
final class LegacyBlocks {

    /** Weights per block, for all four types. */
    private static final int QK = 32;

    /** The offset of a field the type does not have. */
    static final int NONE = -1;

    /**
     * Where a type's fields sit in its block: the fp16 scale {@code d} at 0, then the fp16 min {@code m}
     * (Q4_1, Q5_1), the uint32 of fifth bits {@code qh} (Q5_0, Q5_1) and the 16 bytes of nibbles {@code qs}
     * (byte j: weight j in the low nibble, weight j+16 in the high one).
     */
    record Layout(GgmlType type, int mAt, int qhAt, int qsAt) {

        /** Code bits: 5 with a word of fifth bits, else 4. */
        int bits() {
            return qhAt == NONE ? 4 : 5;
        }

        boolean hasMin() {
            return mAt != NONE;
        }
    }

    private LegacyBlocks() {
    }

    /**
     * ggml's {@code dequantize_row_q4_0/q4_1/q5_0/q5_1}: the code q of a weight is its nibble (plus its fifth
     * bit as 16), and the weight {@code d·(q − 2^(bits−1))} without a min, {@code d·q + m} with one — multiply, then
     * add, never a fused multiply-add, which would round once instead of twice.
     */
    static void dequantize(Layout layout, MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int blockBytes = layout.type().typeSize();
        int half = 1 << (layout.bits() - 1);
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * blockBytes;
            int y = dstOffset + b * QK;
            float d = Fp16.read(src, block);
            float m = layout.hasMin() ? Fp16.read(src, block + layout.mAt()) : 0;
            int qh = fifthBits(layout, src, block);
            for (int j = 0; j < QK; j++) {
                int q = code(layout, src, block, qh, j);
                dst[y + j] = layout.hasMin() ? q * d + m : (q - half) * d;
            }
        }
    }

    /**
     * The 32 codes of the block at {@code block} of a type without a min (Q4_0, Q5_0), centred: {@code q − 8} or
     * {@code q − 16}, so that weight j is {@code d · codes[j]}.
     */
    static void signedCodes(Layout layout, MemorySegment src, long block, int[] codes) {
        int half = 1 << (layout.bits() - 1);
        int qh = fifthBits(layout, src, block);
        for (int j = 0; j < QK; j++) {
            codes[j] = code(layout, src, block, qh, j) - half;
        }
    }

    /**
     * The 32 codes of the block at {@code block} of a type with a min (Q4_1, Q5_1), as stored: 0..15 or 0..31, so
     * that weight j is {@code d · codes[j] + m}.
     */
    static void unsignedCodes(Layout layout, MemorySegment src, long block, int[] codes) {
        int qh = fifthBits(layout, src, block);
        for (int j = 0; j < QK; j++) {
            codes[j] = code(layout, src, block, qh, j);
        }
    }

    /** The block's word of fifth bits, or 0 for the 4-bit types. */
    private static int fifthBits(Layout layout, MemorySegment src, long block) {
        return layout.qhAt() == NONE ? 0 : src.get(LittleEndian.INT, block + layout.qhAt());
    }

    /** The code of weight j: its nibble, plus bit j of {@code qh} as 16. */
    private static int code(Layout layout, MemorySegment src, long block, int qh, int j) {
        int packed = src.get(ValueLayout.JAVA_BYTE, block + layout.qsAt() + j % (QK / 2)) & 0xFF;
        return (j < QK / 2 ? packed & 0x0F : packed >>> 4) | ((qh >>> j) & 1) << 4;
    }

    /**
     * ggml's {@code quantize_q4_0/q4_1/q5_0/q5_1}. Without an importance matrix the reference quantizers
     * ({@code quantize_row_qN_M_ref}): without a min, {@code d = max / −2^(bits−1)}, the weight of largest
     * magnitude (keeping its sign) on code 0; with a min, 2^bits levels from min to max. With an importance matrix
     * ({@code n} is then one row), {@code quantize_row_qN_M_impl}: a weighted least-squares search for the scale
     * ({@link KQuantSearch#makeQxQuants}), or for scale and min ({@link KQuantSearch#makeQkxQuants}, ggml's
     * make_qkx3_quants).
     */
    static void quantize(Layout layout, float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n,
                         float[] importance) {
        int blockBytes = layout.type().typeSize();
        int bits = layout.bits();
        float[] weights = importance == null ? null : rowWeights(src, srcOffset, n, importance);
        byte[] codes = new byte[QK];
        for (int b = 0; b < n / QK; b++) {
            int x = srcOffset + b * QK;
            long block = dstOffset + (long) b * blockBytes;
            if (layout.hasMin()) {
                float[] dm = scaleAndMin(src, x, bits, weights, b * QK, codes);
                Fp16.write(dst, block, dm[0]);
                Fp16.write(dst, block + layout.mAt(), dm[1]);
            } else {
                Fp16.write(dst, block, symmetricScale(src, x, bits, weights, b * QK, codes));
            }
            if (bits == 5) {
                packFiveBits(codes, dst, block + layout.qhAt(), block + layout.qsAt());
            } else {
                packNibbles(codes, dst, block + layout.qsAt());
            }
        }
    }

    /** The codes and scale {@code d} of a block without a min (Q4_0, Q5_0). */
    private static float symmetricScale(float[] x, int from, int bits, float[] weights, int wFrom, byte[] codes) {
        int half = 1 << (bits - 1);
        if (weights != null) {
            return KQuantSearch.makeQxQuants(QK, half, x, from, codes, 0, weights, wFrom);
        }
        float d = signedAbsMax(x, from, QK) / -half;
        float id = d != 0 ? 1.0f / d : 0.0f;
        for (int j = 0; j < QK; j++) {
            // + half + 0.5 then truncation: round to nearest after shifting into [0, 2·half]; 2·half only for the
            // max, hence the clamp.
            codes[j] = (byte) Math.min(2 * half - 1, (int) (x[from + j] * id + (half + 0.5f)));
        }
        return d;
    }

    /** The codes and {d, m} of a block with a min (Q4_1, Q5_1). */
    private static float[] scaleAndMin(float[] x, int from, int bits, float[] weights, int wFrom, byte[] codes) {
        int levels = (1 << bits) - 1;
        // Q5_1 codes are not clamped to 31, unlike Q4_1's to 15: ggml's reference has no clamp there (the max
        // lands on 31.0 exactly).
        return weights == null
                ? minMaxCodes(x, from, levels, codes, bits == 5)
                : weightedMinCodes(x, from, levels, weights, wFrom, codes);
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
