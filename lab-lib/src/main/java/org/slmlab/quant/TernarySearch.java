package org.slmlab.quant;

/**
 * The parts of ggml's IQ1_S and IQ1_M quantizers ({@code quantize_row_iq1_s_impl}, {@code quantize_row_iq1_m_impl})
 * that both use.
 *
 * <p>With only three levels per weight (−1, 0, +1, shifted by ±1/8), the best split of a block into the three
 * levels can be found exhaustively: sort the weights, and every split is two cut points {@code i1 ≤ i2} in the
 * sorted order (below i1 → −1, between → 0, above i2 → +1). The splits' groups of 8 are then moved to the nearest
 * codebook point where they are not one.
 */
final class TernarySearch {

    private final LatticeIndex index = LatticeIndex.of(LatticeCodebook.IQ1_S);

    /** The three shifted levels with a +1/8 shift, and with a −1/8 shift. */
    static final float[] SHIFT_UP = {-1 + TernaryLatticeCodec.DELTA, TernaryLatticeCodec.DELTA,
        1 + TernaryLatticeCodec.DELTA};
    static final float[] SHIFT_DOWN = {-1 - TernaryLatticeCodec.DELTA, -TernaryLatticeCodec.DELTA,
        1 - TernaryLatticeCodec.DELTA};

    private static final TernarySearch INSTANCE = new TernarySearch();

    /** Built on first use (the neighbour tables of the 2048-point codebook). */
    static TernarySearch get() {
        return INSTANCE;
    }

    private TernarySearch() {
    }

    /**
     * The largest |x| of {@code x[from .. from+n)}, compared as ggml does ({@code max > |x| ? max : |x|}, not
     * {@code Math.max}: the two differ for NaN).
     */
    static float maxAbs(float[] x, int from, int n) {
        float max = Math.abs(x[from]);
        for (int j = 1; j < n; j++) {
            max = max > Math.abs(x[from + j]) ? max : Math.abs(x[from + j]);
        }
        return max;
    }

    /**
     * The best split of the exhaustive search so far: the cut points, the shift (IQ1_S: its sign; IQ1_M: the code
     * of both groups' signs), and the least-squares scale of that split. Both quantizers keep it the same way.
     */
    static final class BestSplit {
        float scale;
        int i1;
        int i2;
        int shift;
        private float score;

        /** Starts a block's search; {@code scale} is what stays if no split fits (ggml starts from the max). */
        void reset(float scale) {
            this.scale = scale;
            score = -Float.MAX_VALUE;
            i1 = -1;
            i2 = -1;
        }

        /** Keeps the split if its fit, {@code sumqx²/sumq2}, explains more of the block than the best so far. */
        void offer(float sumqx, float sumq2, int i1, int i2, int shift) {
            if (sumq2 > 0 && sumqx * sumqx > score * sumq2) {
                scale = sumqx / sumq2;
                score = scale * sumqx;
                this.i1 = i1;
                this.i2 = i2;
                this.shift = shift;
            }
        }

        /** Whether any split fitted (ggml also checks i2 and the shift, which are always set together with i1). */
        boolean found() {
            return i1 >= 0;
        }
    }

    /**
     * The positions {@code 0 .. count-1} ordered by {@code x[xOff + position]} ascending, equal values keeping
     * their order — what glibc's {@code qsort} (a merge sort) gives ggml for the (value, index) pairs it sorts.
     */
    static void sortedOrder(float[] x, int xOff, int count, int[] order) {
        for (int j = 0; j < count; j++) {
            int i = j;
            while (i > 0 && x[xOff + order[i - 1]] > x[xOff + j]) {
                order[i] = order[i - 1];
                i--;
            }
            order[i] = j;
        }
    }

    /**
     * The levels of the best split ({@code i1}, {@code i2} over the sorted order); with {@code negate} (the
     * split's scale came out negative) mirrored, −1 ↔ +1, so that the scale can be stored positive.
     */
    static void splitLevels(int[] order, int count, int i1, int i2, boolean negate, byte[] levels) {
        for (int j = 0; j < count; j++) {
            int level = j < i1 ? 0 : j < i2 ? 1 : 2;
            levels[order[j]] = (byte) (negate ? 2 - level : level);
        }
    }

    /**
     * Moves each group of 8 levels that is not a codebook point to its best neighbour, stores every group's point
     * in {@code points}, and returns the scale refitted by least squares if any group moved (else {@code scale}).
     *
     * @param shifted each group's shifted levels ({@link #SHIFT_UP} or {@link #SHIFT_DOWN})
     */
    float snapToGrid(byte[] levels, int groups, float[] x, int xOff, float[] weight, float scale,
            float[][] shifted, int[] points) {
        boolean allOnGrid = true;
        for (int k = 0; k < groups; k++) {
            points[k] = pointAt(levels, 8 * k);
            if (points[k] < 0) {
                allOnGrid = false;
                points[k] = bestNeighbour(levels, 8 * k, x, xOff + 8 * k, weight, 8 * k, scale, shifted[k]);
            }
        }
        if (allOnGrid) {
            return scale;
        }
        float sumqx = 0;
        float sumq2 = 0;
        for (int k = 0; k < groups; k++) {
            for (int j = 0; j < 8; j++) {
                float w = weight[8 * k + j];
                float q = shifted[k][level(points[k], j)];
                sumqx += w * q * x[xOff + 8 * k + j];
                sumq2 += w * q * q;
            }
        }
        return sumqx > 0 && sumq2 > 0 ? sumqx / sumq2 : scale;
    }

    /** The codebook point of the levels {@code levels[off .. off+7]} (0, 1, 2 for −1, 0, +1), or −1. */
    int pointAt(byte[] levels, int off) {
        return index.pointAt(index.pack(levels, off));
    }

    /**
     * ggml's {@code iq1_find_best_neighbour2}: of the codebook points near the (off-grid) levels at
     * {@code levels[off]}, the one whose shifted levels {@code shifted}, times {@code scale}, are closest to
     * {@code x[xOff ..]} in weighted squared error. Its levels replace {@code levels[off ..]}.
     */
    int bestNeighbour(byte[] levels, int off, float[] x, int xOff, float[] weight, int wOff, float scale,
            float[] shifted) {
        int list = index.neighbourList(index.pack(levels, off));
        float bestD2 = Float.MAX_VALUE;
        int best = -1;
        for (int j = 1; j <= index.neighbourCount(list); j++) {
            int point = index.neighbour(list, j);
            float d2 = 0;
            for (int i = 0; i < 8; i++) {
                float q = shifted[index.level(point, i)];
                float w = weight[wOff + i];
                float diff = scale * q - x[xOff + i];
                d2 += w * diff * diff;
            }
            if (d2 < bestD2) {
                bestD2 = d2;
                best = point;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("cannot quantize non-finite weights to IQ1_S/IQ1_M");
        }
        index.copyLevels(best, levels, off);
        return best;
    }

    /** The level (0, 1, 2) of coordinate {@code i} of point {@code k}. */
    int level(int k, int i) {
        return index.level(k, i);
    }
}
