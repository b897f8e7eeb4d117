package org.slmlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.slmlab.quant.Simd;
import org.slmlab.tensor.GgmlSum;

/**
 * The two inner loops of attention with an F32 cache, over a run of consecutive rows of positions: the scores
 * {@code q·k_j} and the weighted sum {@code Σ_j w_j·v_j}. Both add in the order llama.cpp's CPU backend adds them
 * (see {@link GgmlSum}), because a last-bit difference here flips later F16/Q8 roundings of the activations. Each
 * has a scalar reference and a Vector API fast path that adds <em>in the same order</em>, so both give the same
 * bits and the choice never shows in the logits ({@code -Dslmlab.scalar=true} forces the references).
 *
 * <p>The scores: ggml multiplies the keys with a non-contiguous (permuted) q, which takes {@code ggml_vec_dot_f32}:
 * number i of the head goes to accumulator i mod 64 (fused multiply-adds over blocks of 64), the 64 are combined
 * in a fixed tree, and the numbers after the last full block are added one by one (not fused). The fast path keeps
 * that order
 * per key and lets its 16 lanes take 16 <em>different positions</em>, which needs number i of 16 neighbouring keys
 * side by side in memory — why keys are stored transposed (see {@link KvCache}).
 *
 * <p>The weighted sum: values are transposed in llama.cpp's cache and the weights contiguous, so a batch takes
 * llamafile's F32 tinyBLAS: position j goes to lane {@code j mod 16} of a register by fused multiply-add, and the
 * 16 lanes are reduced at the end ({@link GgmlSum#reduce16}). Here the lanes are 16 rows of partial sums
 * ({@code lanes[L·len + i]}), one per residue of the position, filled by {@link #weightedSum} and reduced by
 * {@link #reduceLanes}; the fast path runs 16 numbers of a value row at once.
 */
final class AttentionKernels {

    private static final VectorSpecies<Float> F = Simd.F512;
    private static final int L = GgmlSum.LANES;
    /** ggml_vec_dot_f32's block: four registers of 16. */
    private static final int BLOCK = 4 * L;

    private AttentionKernels() {
    }

    /**
     * {@code scores[sOff + j] = Σ_{i<len} q[qOff + i] · keys[(col + i)·stride + r0 + j]} for j in [0, count):
     * the scores of the positions in rows r0 … r0+count-1 of transposed {@code keys}, each summed as
     * {@link GgmlSum#dot} sums it.
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
        float[] k = new float[len];
        for (int j = 0; j < count; j++) {
            for (int i = 0; i < len; i++) {
                k[i] = keys[(col + i) * stride + r0 + j];
            }
            scores[sOff + j] = GgmlSum.dot(k, 0, q, qOff, len);
        }
    }

    static void dotsFast(float[] q, int qOff, float[] keys, int stride, int col, int r0, int count, int len,
            float[] scores, int sOff) {
        int blocks = len - len % BLOCK;
        FloatVector[] r = new FloatVector[L];
        for (int j = 0; j < count; j += F.length()) {
            VectorMask<Float> live = F.indexInRange(j, count); // the last group may have fewer than 16 positions
            int at = col * stride + r0 + j;
            FloatVector s = FloatVector.zero(F);
            if (blocks > 0) {
                for (int l = 0; l < L; l++) {
                    // ggml's register l of accumulator m = 0..3 holds the numbers i = b + 16m + l of every block b
                    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                    for (int b = 0; b < blocks; b += BLOCK) {
                        a0 = fmaKey(keys, at, stride, q, qOff, b + l, live, a0);
                        a1 = fmaKey(keys, at, stride, q, qOff, b + L + l, live, a1);
                        a2 = fmaKey(keys, at, stride, q, qOff, b + 2 * L + l, live, a2);
                        a3 = fmaKey(keys, at, stride, q, qOff, b + 3 * L + l, live, a3);
                    }
                    r[l] = a0.add(a2).add(a1.add(a3));
                }
                FloatVector q0 = r[0].add(r[8]).add(r[4].add(r[12]));
                FloatVector q1 = r[1].add(r[9]).add(r[5].add(r[13]));
                FloatVector q2 = r[2].add(r[10]).add(r[6].add(r[14]));
                FloatVector q3 = r[3].add(r[11]).add(r[7].add(r[15]));
                s = q0.add(q2).add(q1.add(q3));
            }
            for (int i = blocks; i < len; i++) {
                s = s.add(FloatVector.fromArray(F, keys, at + i * stride, live).mul(q[qOff + i]));
            }
            s.intoArray(scores, sOff + j, live);
        }
    }

    /** {@code acc + k·q[qOff + i]} for number {@code i} of the 16 keys whose number 0 is at {@code keys[at]}. */
    private static FloatVector fmaKey(float[] keys, int at, int stride, float[] q, int qOff, int i,
            VectorMask<Float> live, FloatVector acc) {
        return FloatVector.fromArray(F, keys, at + i * stride, live).fma(FloatVector.broadcast(F, q[qOff + i]), acc);
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
     * {@code lanes[((lane0 + j) mod 16)·len + i] = fma(values[(r0 + j)·width + col + i], weights[wOff + j], …)}
     * for j in [0, count), i in [0, len): the values in rows r0 … r0+count-1 (rows of {@code width}), position j
     * of the run added into the lane of its absolute position ({@code lane0} is the first one's, mod 16).
     */
    static void weightedSum(float[] weights, int wOff, float[] values, int width, int col, int r0, int count,
            int len, float[] lanes, int lane0) {
        if (Simd.FAST) {
            weightedSumFast(weights, wOff, values, width, col, r0, count, len, lanes, lane0);
        } else {
            weightedSumScalar(weights, wOff, values, width, col, r0, count, len, lanes, lane0);
        }
    }

    static void weightedSumScalar(float[] weights, int wOff, float[] values, int width, int col, int r0, int count,
            int len, float[] lanes, int lane0) {
        for (int j = 0; j < count; j++) {
            float w = weights[wOff + j];
            int vOff = (r0 + j) * width + col;
            int lOff = (lane0 + j) % L * len;
            for (int i = 0; i < len; i++) {
                lanes[lOff + i] = Math.fma(values[vOff + i], w, lanes[lOff + i]);
            }
        }
    }

    static void weightedSumFast(float[] weights, int wOff, float[] values, int width, int col, int r0, int count,
            int len, float[] lanes, int lane0) {
        for (int j = 0; j < count; j++) {
            FloatVector w = FloatVector.broadcast(F, weights[wOff + j]);
            int vOff = (r0 + j) * width + col;
            int lOff = (lane0 + j) % L * len;
            for (int i = 0; i < len; i += F.length()) {
                VectorMask<Float> live = F.indexInRange(i, len);
                FloatVector acc = FloatVector.fromArray(F, lanes, lOff + i, live);
                FloatVector.fromArray(F, values, vOff + i, live).fma(w, acc).intoArray(lanes, lOff + i, live);
            }
        }
    }

    /** {@code out[oOff + i] = reduce16(lanes[0·len + i], …, lanes[15·len + i])} for i in [0, len). */
    static void reduceLanes(float[] lanes, int len, float[] out, int oOff) {
        if (Simd.FAST) {
            for (int i = 0; i < len; i += F.length()) {
                VectorMask<Float> live = F.indexInRange(i, len);
                FloatVector[] v = new FloatVector[L];
                for (int l = 0; l < L; l++) {
                    v[l] = FloatVector.fromArray(F, lanes, l * len + i, live);
                }
                FloatVector q0 = v[0].add(v[8]).add(v[4].add(v[12]));
                FloatVector q1 = v[1].add(v[9]).add(v[5].add(v[13]));
                FloatVector q2 = v[2].add(v[10]).add(v[6].add(v[14]));
                FloatVector q3 = v[3].add(v[11]).add(v[7].add(v[15]));
                q0.add(q2).add(q1.add(q3)).intoArray(out, oOff + i, live);
            }
        } else {
            float[] column = new float[L];
            for (int i = 0; i < len; i++) {
                for (int l = 0; l < L; l++) {
                    column[l] = lanes[l * len + i];
                }
                out[oOff + i] = GgmlSum.reduce16(column, 0);
            }
        }
    }
}
