package org.slmlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.slmlab.quant.Simd;

/**
 * The two inner loops of attention, over a run of consecutive rows of positions: the scores {@code q·k_j} and the
 * weighted sum {@code Σ_j w_j·v_j}. Each has a scalar reference and a Vector API fast path that adds <em>in the
 * same order</em>, so both give the same bits and the choice never shows in the logits
 * ({@code -Dslmlab.scalar=true} forces the references).
 *
 * <p>How the fast paths keep the order. The score of one key is a chain of additions, each waiting for the one
 * before: the scalar loop manages one number per 4 cycles. Splitting that sum across vector lanes would reorder it;
 * instead the 16 lanes take 16 <em>different positions</em>: lane l adds {@code q[i]·k_{j+l}[i]} for i = 0, 1, 2, …
 * exactly as the scalar loop does for its one key. That needs number i of 16 neighbouring keys side by side in
 * memory, which is why keys are stored transposed (see {@link KvCache}). The weighted sum needs no such trick: each
 * output number is its own chain over the positions, so the lanes take 16 neighbouring numbers of one value row.
 * Both multiply and then add, never a fused multiply-add, as Java's scalar {@code s += a * b} rounds twice.
 */
final class AttentionKernels {

    private static final VectorSpecies<Float> F = Simd.F512;

    private AttentionKernels() {
    }

    /**
     * {@code scores[sOff + j] = Σ_{i<len} q[qOff + i] · keys[(col + i)·stride + r0 + j]} for j in [0, count):
     * the scores of the positions in rows r0 … r0+count-1 of transposed {@code keys}, each sum taken in order of i.
     */
    static void dots(float[] q, int qOff, float[] keys, int stride, int col, int r0, int count, int len,
            float[] scores, int sOff) {
        if (Simd.FAST) {
            dotsFast(q, qOff, keys, stride, col, r0, count, len, scores, sOff);
        } else {
            dotsScalar(q, qOff, keys, stride, col, r0, count, len, scores, sOff);
        }
    }

    static void dotsScalar(float[] q, int qOff, float[] keys, int stride, int col, int r0, int count, int len,
            float[] scores, int sOff) {
        for (int j = 0; j < count; j++) {
            float s = 0f;
            for (int i = 0; i < len; i++) {
                s += q[qOff + i] * keys[(col + i) * stride + r0 + j];
            }
            scores[sOff + j] = s;
        }
    }

    static void dotsFast(float[] q, int qOff, float[] keys, int stride, int col, int r0, int count, int len,
            float[] scores, int sOff) {
        for (int j = 0; j < count; j += F.length()) {
            VectorMask<Float> live = F.indexInRange(j, count); // the last group may have fewer than 16 positions
            FloatVector s = FloatVector.zero(F);
            for (int i = 0; i < len; i++) {
                FloatVector k = FloatVector.fromArray(F, keys, (col + i) * stride + r0 + j, live);
                s = s.add(k.mul(q[qOff + i]));
            }
            s.intoArray(scores, sOff + j, live);
        }
    }

    /**
     * {@link #dots} for the F16 keys of an F16 cache. One plain loop, fast without the Vector API (which has no
     * fp16 conversion): with the numbers i outside and the positions inside, each score still sums in order of i,
     * while neighbouring positions are independent and C2 turns the inner loop into vector instructions
     * ({@code vcvtph2ps} converts 16 halves at a time).
     */
    static void dotsHalf(float[] q, int qOff, short[] keys, int stride, int col, int r0, int count, int len,
            float[] scores, int sOff) {
        java.util.Arrays.fill(scores, sOff, sOff + count, 0f);
        for (int i = 0; i < len; i++) {
            float qi = q[qOff + i];
            int kOff = (col + i) * stride + r0;
            for (int j = 0; j < count; j++) {
                scores[sOff + j] += qi * Float.float16ToFloat(keys[kOff + j]);
            }
        }
    }

    /**
     * {@code out[oOff + i] += Σ_j weights[wOff + j] · values[(r0 + j)·width + col + i]} for i in [0, len): the
     * values in rows r0 … r0+count-1 (rows of {@code width}), added onto {@code out} one position after another.
     */
    static void weightedSum(float[] weights, int wOff, float[] values, int width, int col, int r0, int count,
            int len, float[] out, int oOff) {
        if (Simd.FAST) {
            weightedSumFast(weights, wOff, values, width, col, r0, count, len, out, oOff);
        } else {
            weightedSumScalar(weights, wOff, values, width, col, r0, count, len, out, oOff);
        }
    }

    static void weightedSumScalar(float[] weights, int wOff, float[] values, int width, int col, int r0, int count,
            int len, float[] out, int oOff) {
        for (int j = 0; j < count; j++) {
            float w = weights[wOff + j];
            int vOff = (r0 + j) * width + col;
            for (int i = 0; i < len; i++) {
                out[oOff + i] += w * values[vOff + i];
            }
        }
    }

    static void weightedSumFast(float[] weights, int wOff, float[] values, int width, int col, int r0, int count,
            int len, float[] out, int oOff) {
        for (int j = 0; j < count; j++) {
            float w = weights[wOff + j];
            int vOff = (r0 + j) * width + col;
            for (int i = 0; i < len; i += F.length()) {
                VectorMask<Float> live = F.indexInRange(i, len);
                FloatVector o = FloatVector.fromArray(F, out, oOff + i, live);
                o.add(FloatVector.fromArray(F, values, vOff + i, live).mul(w)).intoArray(out, oOff + i, live);
            }
        }
    }
}
