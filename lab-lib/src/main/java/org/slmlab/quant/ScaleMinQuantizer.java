package org.slmlab.quant;

import java.lang.foreign.MemorySegment;

/**
 * The quantizer shared by Q4_K and Q5_K, which differ only in the code width and in how the codes are packed.
 *
 * <p>A super-block of 256 weights is split into eight sub-blocks of 32; each is approximated as
 * {@code x ≈ d·sc·q - dmin·m} with a 6-bit scale {@code sc}, a 6-bit min {@code m} and codes
 * {@code q ∈ [0, nmax]}. This class writes the common header — {@code d} (fp16) at byte 0, {@code dmin} (fp16)
 * at 2, the {@link ScaleMinPacking 12-byte scale/min field} at 4 — and leaves the 256 codes in {@link #codes}
 * for the caller to pack.
 *
 * <p>Two searches, as in ggml: without an importance matrix ({@code quantize_row_q4_K_ref}) each sub-block's
 * float scale and min come from {@link KQuantSearch#makeQkxQuants} (ggml's make_qkx2_quants) and are mapped
 * linearly onto 0-63; with one ({@code quantize_row_q4_K_impl}) they come from make_qkx3_quants and their
 * 6-bit codes from {@link KQuantSearch#makeQpQuants}. Either way the weights are then re-quantized against the
 * scales as stored, so rounding the header to fp16 and 6 bits is accounted for.
 *
 * <p>One instance holds the scratch of one thread.
 */
final class ScaleMinQuantizer {

    static final int D = 0;
    static final int DMIN = 2;
    static final int SCALES = 4;

    private static final int SUB = 32;
    private static final int NSUB = KBlocks.QK_K / SUB;

    /** The codes of the last super-block, in weight order. */
    final byte[] codes = new byte[KBlocks.QK_K];

    private final int nmax;
    private final float rmin;
    private final float rdelta;
    private final int nstep;
    private final boolean clampImportanceCodes;

    private final byte[] aux = new byte[SUB];
    private final float[] weights = new float[SUB];
    private final float[] scales = new float[NSUB];
    private final float[] mins = new float[NSUB];
    private final float[] subWeights = new float[NSUB];
    private final byte[] scaleCodes = new byte[NSUB];
    private final byte[] minCodes = new byte[NSUB];

    /**
     * @param nmax largest code (15 for Q4_K, 31 for Q5_K)
     * @param rmin first offset of the no-imatrix scale search (ggml's {@code rmin})
     * @param rdelta step of that search
     * @param nstep number of steps of that search
     * @param clampImportanceCodes whether the imatrix path clamps scale/min codes to 63 before packing (ggml's
     *     Q5_K does, its Q4_K does not; they differ only if a search returns a negative scale)
     */
    ScaleMinQuantizer(int nmax, float rmin, float rdelta, int nstep, boolean clampImportanceCodes) {
        this.nmax = nmax;
        this.rmin = rmin;
        this.rdelta = rdelta;
        this.nstep = nstep;
        this.clampImportanceCodes = clampImportanceCodes;
    }

    /**
     * Quantizes the 256 weights at {@code x[xo]} into the header of {@code block} and {@link #codes}.
     * {@code qw} (importance, at {@code qwo}) may be null.
     */
    void quantize(float[] x, int xo, float[] qw, int qwo, byte[] block) {
        if (qw == null) {
            chooseScalesWithoutImportance(x, xo, block);
        } else {
            chooseScalesWithImportance(x, xo, qw, qwo, block);
        }
        MemorySegment header = MemorySegment.ofArray(block);
        float d = Fp16.read(header, D);
        float dmin = Fp16.read(header, DMIN);
        for (int j = 0; j < NSUB; ++j) {
            float ds = d * ScaleMinPacking.scale(header, SCALES, j);
            if (ds == 0) {
                continue; // codes stay as the search left them; they dequantize to -dm anyway
            }
            float dm = dmin * ScaleMinPacking.min(header, SCALES, j);
            for (int i = 0; i < SUB; ++i) {
                int l = Rounding.nearestInt((x[xo + SUB * j + i] + dm) / ds);
                codes[SUB * j + i] = (byte) Math.max(0, Math.min(nmax, l));
            }
        }
    }

    private void chooseScalesWithoutImportance(float[] x, int xo, byte[] block) {
        float maxScale = 0; // mins are subtracted, so scales are positive
        float maxMin = 0;
        for (int j = 0; j < NSUB; ++j) {
            int sub = xo + SUB * j;
            float sumX2 = 0;
            for (int l = 0; l < SUB; ++l) {
                sumX2 += x[sub + l] * x[sub + l];
            }
            float avX = (float) Math.sqrt(sumX2 / SUB);
            for (int l = 0; l < SUB; ++l) {
                weights[l] = avX + Math.abs(x[sub + l]);
            }
            scales[j] = KQuantSearch.makeQkxQuants(SUB, nmax, x, sub, weights, 0, codes, SUB * j, mins, j, aux,
                    rmin, rdelta, nstep, false, false);
            if (scales[j] > maxScale) {
                maxScale = scales[j];
            }
            if (mins[j] > maxMin) {
                maxMin = mins[j];
            }
        }
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        for (int j = 0; j < NSUB; ++j) {
            // ggml stores nearest_int in a uint8_t before clamping: keep the byte wrap-around
            int ls = Math.min(63, Rounding.nearestInt(invScale * scales[j]) & 0xFF);
            int lm = Math.min(63, Rounding.nearestInt(invMin * mins[j]) & 0xFF);
            ScaleMinPacking.pack(block, SCALES, j, ls, lm);
        }
        KBlocks.putFp16(block, D, maxScale / 63.f);
        KBlocks.putFp16(block, DMIN, maxMin / 63.f);
    }

    private void chooseScalesWithImportance(float[] x, int xo, float[] qw, int qwo, byte[] block) {
        float sumX2 = 0;
        for (int l = 0; l < KBlocks.QK_K; ++l) {
            sumX2 += x[xo + l] * x[xo + l];
        }
        float sigma2 = 2 * sumX2 / KBlocks.QK_K;
        for (int j = 0; j < NSUB; ++j) {
            int sub = xo + SUB * j;
            float sumW = 0;
            for (int l = 0; l < SUB; ++l) {
                weights[l] = qw[qwo + SUB * j + l] * (float) Math.sqrt(sigma2 + x[sub + l] * x[sub + l]);
            }
            for (int l = 0; l < SUB; ++l) {
                sumW += weights[l];
            }
            subWeights[j] = sumW;
            scales[j] = KQuantSearch.makeQkxQuants(SUB, nmax, x, sub, weights, 0, codes, SUB * j, mins, j, aux,
                    -0.9f, 0.05f, 36, false, true);
        }
        float dBlock = KQuantSearch.makeQpQuants(NSUB, 63, scales, 0, scaleCodes, 0, subWeights, 0);
        float mBlock = KQuantSearch.makeQpQuants(NSUB, 63, mins, 0, minCodes, 0, subWeights, 0);
        for (int j = 0; j < NSUB; ++j) {
            int ls = scaleCodes[j] & 0xFF;
            int lm = minCodes[j] & 0xFF;
            if (clampImportanceCodes) {
                ls = Math.min(63, ls);
                lm = Math.min(63, lm);
            }
            ScaleMinPacking.pack(block, SCALES, j, ls, lm);
        }
        KBlocks.putFp16(block, D, dBlock);
        KBlocks.putFp16(block, DMIN, mBlock);
    }
}
