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
 * where these live; this class turns that into dequantization and the dot product with a Q8_K activation, as
 * ggml's {@code vec_dot_iq1_s_q8_K} / {@code vec_dot_iq1_m_q8_K} compute it: per super-block
 * {@code d · d_act · (Σ_g m_g·Σ_j grid·q8 + 0.125 · Σ_g m_g·shift_g·Σ_j q8)}, both sums exact integers.
 */
abstract class TernaryLatticeCodec extends BlockCodec {

    private static final int QK = 256;
    /** ggml's IQ1S_DELTA and IQ1M_DELTA. */
    static final float DELTA = 0.125f;
    static final LatticeCodebook GRID = LatticeCodebook.IQ1_S;

    private final int blockBytes;

    TernaryLatticeCodec(GgmlType type) {
        super(type, GgmlType.Q8_K);
        this.blockBytes = type.typeSize();
    }

    /** The super-block scale {@code d}. */
    abstract float superScale(MemorySegment src, long block);

    /** The 11-bit codebook index of group {@code g}. */
    abstract int point(MemorySegment src, long block, int g);

    /** The odd multiplier {@code 2s + 1} of group {@code g}. */
    abstract int multiplier(MemorySegment src, long block, int g);

    /** Whether group {@code g} is shifted by −1/8 (else +1/8). */
    abstract boolean shiftedDown(MemorySegment src, long block, int g);

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
