package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * What IQ1_S and IQ1_M have in common: 256 weights in 32 groups of 8, each group one point of the
 * {@link LatticeCodebook#IQ1_S} codebook, whose coordinates are −1, 0 or +1, shifted by ±1/8 and scaled:
 *
 * <pre>
 * weight j of group g = d · (2s + 1) · (grid[point][j] ± 0.125)
 * </pre>
 *
 * with an odd multiplier {@code 2s + 1} and a shift sign per group (shared by 4 or 2 groups). The subclasses say
 * where these live and how their quantizer picks the shifts; this class has ggml's quantizer loop around that,
 * and turns the layout into dequantization and the dot product with a Q8_K activation, as
 * ggml's {@code vec_dot_iq1_s_q8_K} / {@code vec_dot_iq1_m_q8_K} compute it: per super-block
 * {@code d · d_act · (Σ_g m_g·Σ_j grid·q8 + 0.125 · Σ_g m_g·shift_g·Σ_j q8)}, both sums exact integers.
 */
abstract class TernaryLatticeCodec extends BlockCodec {

    private static final int QK = 256;
    /** ggml's IQ1S_DELTA and IQ1M_DELTA. */
    static final float DELTA = 0.125f;
    static final LatticeCodebook GRID = LatticeCodebook.IQ1_S;

    private final int blockBytes;
    /** Weights per block with its own scale: 32 (IQ1_S) or 16 (IQ1_M). */
    private final int blockSize;
    /** ggml's {@code GROUP_MAX_EPS_IQ1_S/_M}: a block whose largest |x| is below this is stored as zeros. */
    private final float groupMaxEps;
    /** The shift code a zero block keeps. */
    private final int zeroBlockShift;

    TernaryLatticeCodec(GgmlType type, int blockSize, float groupMaxEps, int zeroBlockShift) {
        super(type, GgmlType.Q8_K);
        this.blockBytes = type.typeSize();
        this.blockSize = blockSize;
        this.groupMaxEps = groupMaxEps;
        this.zeroBlockShift = zeroBlockShift;
    }

    /** The super-block scale {@code d}. */
    abstract float superScale(MemorySegment src, long block);

    /** The 11-bit codebook index of group {@code g}. */
    abstract int point(MemorySegment src, long block, int g);

    /** The odd multiplier {@code 2s + 1} of group {@code g}. */
    abstract int multiplier(MemorySegment src, long block, int g);

    /** Whether group {@code g} is shifted by −1/8 (else +1/8). */
    abstract boolean shiftedDown(MemorySegment src, long block, int g);

    /**
     * The exhaustive search of one block's split into −1 | 0 | +1 (see {@link TernarySearch}), which differs
     * between the types in how the shift is chosen: it offers every split to {@code best}.
     */
    interface SplitSearch {
        void search(float[] x, int xb, float[] weight, int[] order, TernarySearch.BestSplit best);
    }

    /** A search with its own working arrays, for one quantize call. */
    abstract SplitSearch newSplitSearch();

    /** The shift code of the mirrored split (−1 ↔ +1), whose scale is the negated one. */
    abstract int mirrored(int shift);

    /** Sets each group's shifted levels ({@link TernarySearch#SHIFT_UP} or {@code SHIFT_DOWN}) for {@code shift}. */
    abstract void shiftedLevels(int shift, float[][] groupLevels);

    /** Stores block {@code b}'s codebook points. */
    abstract void storePoints(MemorySegment dst, long block, int b, int[] points);

    /**
     * Stores the super-block scale and the blocks' scale and shift codes, from the blocks' fitted scales (0 for a
     * zero block) and their largest, {@code maxScale > 0}. The weights are at {@code x[xOff]}, their importance
     * at {@code importance[impOff]} (IQ1_M refits the super-block scale with them).
     */
    abstract void storeScales(MemorySegment dst, long block, float maxScale, float[] scales, int[] shifts,
            float[] x, int xOff, float[] importance, int impOff, float sigma2);

    /**
     * ggml's super-block loop of {@code quantize_row_iq1_s_impl} / {@code quantize_row_iq1_m_impl}: per block, the
     * importance weights, the best split into three levels (zero blocks skipped), its groups moved onto the
     * codebook; then the scales.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        if (requiresImportance()) {
            Importance.require(type(), importance, n);
        }
        TernarySearch search = TernarySearch.get();
        SplitSearch splits = newSplitSearch();
        TernarySearch.BestSplit best = new TernarySearch.BestSplit();
        int groups = blockSize / 8;
        float[] weight = new float[blockSize];
        float[] scales = new float[QK / blockSize];
        int[] shifts = new int[QK / blockSize];
        int[] order = new int[blockSize];
        byte[] levels = new byte[blockSize];
        int[] points = new int[groups];
        float[][] groupLevels = new float[groups][];
        for (int i = 0; i < n / QK; i++) {
            long block = dstOffset + (long) i * blockBytes;
            dst.asSlice(block, blockBytes).fill((byte) 0);
            int x = srcOffset + i * QK;
            float sigma2 = 2 * SignedLatticeCodec.sumOfSquares(src, x) / QK;
            float maxScale = 0;
            for (int b = 0; b < QK / blockSize; b++) {
                int xb = x + blockSize * b;
                SignedLatticeCodec.weights(src, xb, importance, i * QK + blockSize * b, sigma2, 0, weight, blockSize);
                scales[b] = 0;
                shifts[b] = zeroBlockShift;
                float max = TernarySearch.maxAbs(src, xb, blockSize);
                if (max < groupMaxEps) {
                    continue;
                }
                TernarySearch.sortedOrder(src, xb, blockSize, order);
                best.reset(max);
                splits.search(src, xb, weight, order, best);
                if (!best.found()) {
                    continue;
                }
                float scale = best.scale;
                int shift = best.shift;
                boolean negate = scale < 0;
                TernarySearch.splitLevels(order, blockSize, best.i1, best.i2, negate, levels);
                if (negate) {
                    scale = -scale;
                    shift = mirrored(shift);
                }
                shiftedLevels(shift, groupLevels);
                scale = search.snapToGrid(levels, groups, src, xb, weight, scale, groupLevels, points);
                storePoints(dst, block, b, points);
                scales[b] = scale;
                shifts[b] = shift;
                maxScale = maxScale > scale ? maxScale : scale;
            }
            if (maxScale > 0) {
                storeScales(dst, block, maxScale, scales, shifts, src, x, importance, i * QK, sigma2);
            }
        }
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * blockBytes;
            float d = superScale(src, block);
            for (int g = 0; g < QK / 8; g++) {
                float dl = d * multiplier(src, block, g);
                float delta = shiftedDown(src, block, g) ? -DELTA : DELTA;
                int point = point(src, block, g);
                for (int j = 0; j < 8; j++) {
                    dst[dstOffset + i * QK + 8 * g + j] = dl * (GRID.coordinate(point, j) + delta);
                }
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * blockBytes;
            float d = superScale(src, block);
            for (int g = 0; g < QK / 8; g++) {
                float dl = d * multiplier(src, block, g);
                float delta = shiftedDown(src, block, g) ? -DELTA : DELTA;
                LatticeVectors.dequantizeShifted8(GRID, point(src, block, g), dl, delta, dst, dstOffset + i * QK + 8 * g);
            }
        }
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return dot(w, wOffset, act, actOffset, n, false);
    }

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return dot(w, wOffset, act, actOffset, n, true);
    }

    private float dot(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n, boolean fast) {
        float sum = 0;
        for (int i = 0; i < n / QK; i++) {
            long block = wOffset + (long) i * blockBytes;
            long ab = actOffset + (long) i * Q8_KCodec.BLOCK_BYTES;
            int sumGrid = 0;  // Σ_g m_g · Σ_j grid_j · q8_j
            int sumShift = 0; // Σ_g m_g · (±1) · Σ_j q8_j
            for (int g = 0; g < QK / 8; g++) {
                int m = multiplier(w, block, g);
                long q8 = ab + Q8_KCodec.QS + 8 * g;
                int point = point(w, block, g);
                int gridSum;
                int actSum;
                if (fast) {
                    gridSum = LatticeVectors.dotUnsigned8(GRID, point, act, q8);
                    actSum = LatticeVectors.sum8(act, q8);
                } else {
                    gridSum = 0;
                    actSum = 0;
                    for (int j = 0; j < 8; j++) {
                        int a = act.get(JAVA_BYTE, q8 + j);
                        gridSum += a * GRID.coordinate(point, j);
                        actSum += a;
                    }
                }
                sumGrid += m * gridSum;
                sumShift += m * (shiftedDown(w, block, g) ? -actSum : actSum);
            }
            sum += superScale(w, block) * act.get(LittleEndian.FLOAT, ab) * (sumGrid + DELTA * sumShift);
        }
        return sum;
    }
}
