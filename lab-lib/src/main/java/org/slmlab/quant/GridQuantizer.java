package org.slmlab.quant;

import java.util.Arrays;

/**
 * ggml's quantizer for the sign + lattice-point I-quants (IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S), for one block
 * of 16 or 32 weights: the common core of {@code quantize_row_iq2_xxs_impl}, {@code quantize_row_iq2_xs_impl},
 * {@code quantize_row_iq2_s_impl}, {@code quantize_row_iq3_xxs_impl} and {@code quantize_row_iq3_s_impl}.
 *
 * <p>The steps:
 * <ol>
 * <li>Signs are stored separately, so work on magnitudes. (Where only 7 sign bits are stored, make the number of
 *     negatives in each group of 8 even by flipping the sign of the least important weight.)
 * <li>Try a range of scales. For each, round every magnitude to a level ({@code x ≈ scale · (2·level + 1)}),
 *     and if a group's levels are not a codebook point, take the neighbouring point with the smallest weighted
 *     error. Keep the scale whose points give the best least-squares fit.
 * <li>Round once more with that best scale ({@link Refine} says which groups), and refit the scale.
 * </ol>
 * The arithmetic follows ggml's float operations one for one, so the chosen points are identical.
 */
final class GridQuantizer {

    /** Which groups the last rounding pass redoes. */
    enum Refine {
        /** All groups, whenever the scale is positive (IQ2_XXS). */
        ALL_GROUPS,
        /** The groups that were not on the grid, if any (IQ2_XS, IQ2_S, IQ3_XXS). */
        OFF_GRID_GROUPS,
        /**
         * All groups, if any was off the grid — where groups start out counted as off the grid, so also when no
         * scale of the search fitted (IQ3_S).
         */
        ALL_GROUPS_IF_ANY_OFF_GRID
    }

    private final LatticeIndex index;
    private final int dim;
    /** Weights per block. */
    private final int blockSize;
    /** Number of levels a coordinate may take. */
    private final int kMaxQ;
    /** The scale search: inverse scales {@code (2·kMaxQ − 1 + is·step) / max} for is in [−steps, steps]. */
    private final int steps;
    private final float step;
    /** Whether only 7 sign bits per 8 weights are stored. */
    private final boolean evenSigns;
    /** A block whose largest magnitude is below this is stored as zeros. */
    private final float eps;
    /** IQ2_XXS starts the search from {@code make_qp_quants}'s scale; the others from the largest magnitude. */
    private final boolean startFromQp;
    private final Refine refine;

    GridQuantizer(LatticeCodebook book, int blockSize, int steps, float step, boolean evenSigns, float eps,
            boolean startFromQp, Refine refine) {
        this.index = LatticeIndex.of(book);
        this.dim = book.dim;
        this.blockSize = blockSize;
        this.kMaxQ = book.levels.length;
        this.steps = steps;
        this.step = step;
        this.evenSigns = evenSigns;
        this.eps = eps;
        this.startFromQp = startFromQp;
        this.refine = refine;
    }

    /** Working arrays of one quantizing thread. */
    final class Scratch {
        final float[] xval = new float[blockSize];
        final float[] waux = new float[blockSize];
        final byte[] levels = new byte[blockSize];
        final byte[] trial = new byte[blockSize];
        final boolean[] onGrid = new boolean[blockSize / dim];
        final boolean[] trialOnGrid = new boolean[blockSize / dim];
        /** Out: the point of each group of {@code dim} weights. */
        final int[] points = new int[blockSize / dim];
        /** Out: the sign bits of each group of 8 weights (7 bits where {@code evenSigns}). */
        final int[] signs = new int[blockSize / 8];
    }

    int blockSize() {
        return blockSize;
    }

    Scratch scratch() {
        return new Scratch();
    }

    private static float max(float a, float b) {
        return a > b ? a : b; // C's MAX(a, b) macro; differs from Math.max for −0.0 and NaN
    }

    /**
     * Quantizes {@code blockSize} weights from {@code x[xOff]} with importance {@code weight[0 ..]}; the points
     * and signs go to {@code s.points} and {@code s.signs}.
     *
     * @return the block's scale (≥ 0), or −1 if the block is (near) zero and ggml leaves it as zero bytes
     */
    float quantizeBlock(float[] x, int xOff, float[] weight, Scratch s) {
        float[] xval = s.xval;
        for (int i = 0; i < blockSize; i++) {
            s.waux[i] = (float) Math.sqrt(weight[i]);
        }
        for (int g = 0; g < blockSize / 8; g++) {
            s.signs[g] = magnitudes(x, xOff + 8 * g, weight, 8 * g, xval);
        }
        float max = xval[0];
        for (int i = 1; i < blockSize; i++) {
            max = max(max, xval[i]);
        }
        if (max < eps) {
            return -1;
        }
        float scale;
        float base;
        if (startFromQp) {
            scale = KQuantSearch.makeQpQuants(blockSize, kMaxQ + 1, xval, 0, s.levels, 0, weight, 0);
            base = scale * kMaxQ;
            if (base <= 0) {
                return -1;
            }
        } else {
            scale = max / (2 * kMaxQ - 1);
            base = max;
            Arrays.fill(s.levels, (byte) 0);
        }
        int groups = blockSize / dim;
        boolean initiallyOnGrid = refine != Refine.ALL_GROUPS_IF_ANY_OFF_GRID;
        Arrays.fill(s.onGrid, initiallyOnGrid);
        float best = 0;
        for (int is = -steps; is <= steps; is++) {
            float id = (2 * kMaxQ - 1 + is * step) / base;
            float thisScale = 1 / id;
            for (int k = 0; k < groups; k++) {
                s.trialOnGrid[k] = roundGroup(id, thisScale, k, s, s.trial) >= 0;
            }
            float sumqx = 0;
            float sumq2 = 0;
            for (int i = 0; i < blockSize; i++) {
                float w = weight[i];
                float q = 2 * s.trial[i] + 1;
                sumqx += w * xval[i] * q;
                sumq2 += w * q * q;
            }
            if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                scale = sumqx / sumq2;
                best = scale * sumqx;
                System.arraycopy(s.trial, 0, s.levels, 0, blockSize);
                System.arraycopy(s.trialOnGrid, 0, s.onGrid, 0, groups);
            }
        }
        boolean anyOffGrid = false;
        for (int k = 0; k < groups; k++) {
            anyOffGrid |= !s.onGrid[k];
        }
        boolean again = refine == Refine.ALL_GROUPS ? scale > 0 : anyOffGrid && scale > 0;
        if (again) {
            float id = 1 / scale;
            for (int k = 0; k < groups; k++) {
                if (refine == Refine.OFF_GRID_GROUPS && s.onGrid[k]) {
                    continue;
                }
                roundGroup(id, scale, k, s, s.levels);
            }
            float sumqx = 0;
            float sumq2 = 0;
            for (int i = 0; i < blockSize; i++) {
                float w = weight[i];
                float q = 2 * s.levels[i] + 1;
                sumqx += w * xval[i] * q;
                sumq2 += w * q * q;
            }
            if (sumq2 > 0) {
                scale = sumqx / sumq2;
            }
        }
        if (scale < 0) {
            // ggml: "should never happen"; a positive scale with flipped signs is the same block
            scale = -scale;
            for (int g = 0; g < s.signs.length; g++) {
                s.signs[g] = ~s.signs[g] & (evenSigns ? 127 : 255);
            }
        }
        for (int k = 0; k < groups; k++) {
            int point = index.pointAt(index.pack(s.levels, dim * k));
            if (point < 0) {
                throw new IllegalStateException("quantizer produced levels that are not a " + index.book
                        + " codebook point");
            }
            s.points[k] = point;
        }
        return scale;
    }

    /**
     * Stores the magnitudes of 8 weights into {@code xval} and returns their sign bits; where only 7 are stored,
     * the least important weight gives up its sign to make the count of negatives even.
     */
    private int magnitudes(float[] x, int xOff, float[] weight, int off, float[] xval) {
        int signs = 0;
        int negatives = 0;
        for (int i = 0; i < 8; i++) {
            float v = x[xOff + i];
            if (v >= 0) {
                xval[off + i] = v;
            } else {
                xval[off + i] = -v;
                negatives++;
                signs |= 1 << i;
            }
        }
        if (evenSigns && negatives % 2 != 0) {
            int imin = 0;
            float min = weight[off] * x[xOff] * x[xOff];
            for (int i = 1; i < 8; i++) {
                float ax = weight[off + i] * x[xOff + i] * x[xOff + i];
                if (ax < min) {
                    min = ax;
                    imin = i;
                }
            }
            xval[off + imin] = -xval[off + imin];
            signs ^= 1 << imin;
        }
        return evenSigns ? signs & 127 : signs;
    }

    /**
     * Rounds group {@code k} for inverse scale {@code id} into {@code levels}; off the grid, the neighbour with the
     * smallest error at {@code scale}. Returns the point if the rounding was on the grid, else −1.
     */
    private int roundGroup(float id, float scale, int k, Scratch s, byte[] levels) {
        int off = dim * k;
        for (int i = 0; i < dim; i++) {
            int l = Rounding.nearestInt(0.5f * (id * s.xval[off + i] - 1));
            levels[off + i] = (byte) Math.clamp(l, 0, kMaxQ - 1);
        }
        int u = index.pack(levels, off);
        int point = index.pointAt(u);
        if (point < 0) {
            index.copyLevels(bestNeighbour(u, s.xval, s.waux, off, scale), levels, off);
        }
        return point;
    }

    /** ggml's {@code iq2_find_best_neighbour} / {@code iq3_find_best_neighbour}. */
    private int bestNeighbour(int u, float[] xval, float[] waux, int off, float scale) {
        int list = index.neighbourList(u);
        float bestD2 = Float.MAX_VALUE;
        int best = -1;
        for (int j = 1; j <= index.neighbourCount(list); j++) {
            int point = index.neighbour(list, j);
            float d2 = 0;
            for (int i = 0; i < dim; i++) {
                float q = 2 * index.level(point, i) + 1;
                float diff = scale * q - xval[off + i];
                d2 += waux[off + i] * diff * diff;
            }
            if (d2 < bestD2) {
                bestD2 = d2;
                best = point;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("cannot quantize non-finite weights to " + index.book);
        }
        return best;
    }
}
