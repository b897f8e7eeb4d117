package org.slmlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.slmlab.quant.Simd;
import org.slmlab.quant.GgmlSum;

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
        for (int j = 0; j < count; j += F.length()) {
            int left = count - j; // the last group may have fewer than 16 positions
            int at = col * stride + r0 + j;
            FloatVector s = FloatVector.zero(F);
            if (blocks > 0) {
                // The registers are combined in reduce16's tree. Each is computed where the tree needs it: kept in
                // an array, 16 vectors would be boxed on the heap (C2 keeps a vector in a register only while it
                // is a local).
                FloatVector q0 = lane(0, keys, at, stride, q, qOff, blocks, left)
                        .add(lane(8, keys, at, stride, q, qOff, blocks, left))
                        .add(lane(4, keys, at, stride, q, qOff, blocks, left)
                                .add(lane(12, keys, at, stride, q, qOff, blocks, left)));
                FloatVector q1 = lane(1, keys, at, stride, q, qOff, blocks, left)
                        .add(lane(9, keys, at, stride, q, qOff, blocks, left))
                        .add(lane(5, keys, at, stride, q, qOff, blocks, left)
                                .add(lane(13, keys, at, stride, q, qOff, blocks, left)));
                FloatVector q2 = lane(2, keys, at, stride, q, qOff, blocks, left)
                        .add(lane(10, keys, at, stride, q, qOff, blocks, left))
                        .add(lane(6, keys, at, stride, q, qOff, blocks, left)
                                .add(lane(14, keys, at, stride, q, qOff, blocks, left)));
                FloatVector q3 = lane(3, keys, at, stride, q, qOff, blocks, left)
                        .add(lane(11, keys, at, stride, q, qOff, blocks, left))
                        .add(lane(7, keys, at, stride, q, qOff, blocks, left)
                                .add(lane(15, keys, at, stride, q, qOff, blocks, left)));
                s = q0.add(q2).add(q1.add(q3));
            }
            for (int i = blocks; i < len; i++) {
                s = s.add(load(keys, at + i * stride, left).mul(q[qOff + i]));
            }
            store(s, scores, sOff + j, left);
        }
    }

    /**
     * ggml's register {@code l} after all blocks, for 16 keys at once: its accumulator m = 0..3 holds the numbers
     * {@code i = b + 16m + l} of every block b, and the four are added as {@code (a0 + a2) + (a1 + a3)}.
     */
    private static FloatVector lane(int l, float[] keys, int at, int stride, float[] q, int qOff, int blocks,
            int left) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int b = 0; b < blocks; b += BLOCK) {
            a0 = fmaKey(keys, at, stride, q, qOff, b + l, left, a0);
            a1 = fmaKey(keys, at, stride, q, qOff, b + L + l, left, a1);
            a2 = fmaKey(keys, at, stride, q, qOff, b + 2 * L + l, left, a2);
            a3 = fmaKey(keys, at, stride, q, qOff, b + 3 * L + l, left, a3);
        }
        return a0.add(a2).add(a1.add(a3));
    }

    /** {@code acc + k·q[qOff + i]} for number {@code i} of the 16 keys whose number 0 is at {@code keys[at]}. */
    private static FloatVector fmaKey(float[] keys, int at, int stride, float[] q, int qOff, int i,
            int left, FloatVector acc) {
        return load(keys, at + i * stride, left).fma(FloatVector.broadcast(F, q[qOff + i]), acc);
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
                FloatVector acc = load(lanes, lOff + i, len - i);
                store(load(values, vOff + i, len - i).fma(w, acc), lanes, lOff + i, len - i);
            }
        }
    }

    /** {@code out[oOff + i] = reduce16(lanes[0·len + i], …, lanes[15·len + i])} for i in [0, len). */
    static void reduceLanes(float[] lanes, int len, float[] out, int oOff) {
        if (Simd.FAST) {
            for (int i = 0; i < len; i += F.length()) {
                // reduce16's tree, each row loaded where the tree needs it (no array: it would box the vectors)
                FloatVector q0 = row(lanes, 0, len, i).add(row(lanes, 8, len, i))
                        .add(row(lanes, 4, len, i).add(row(lanes, 12, len, i)));
                FloatVector q1 = row(lanes, 1, len, i).add(row(lanes, 9, len, i))
                        .add(row(lanes, 5, len, i).add(row(lanes, 13, len, i)));
                FloatVector q2 = row(lanes, 2, len, i).add(row(lanes, 10, len, i))
                        .add(row(lanes, 6, len, i).add(row(lanes, 14, len, i)));
                FloatVector q3 = row(lanes, 3, len, i).add(row(lanes, 11, len, i))
                        .add(row(lanes, 7, len, i).add(row(lanes, 15, len, i)));
                store(q0.add(q2).add(q1.add(q3)), out, oOff + i, len - i);
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

    /** Numbers i … i+15 of lane row {@code l} (zeros past the row's end, if its length is no multiple of 16). */
    private static FloatVector row(float[] lanes, int l, int len, int i) {
        return load(lanes, l * len + i, len - i);
    }

    /**
     * 16 floats from {@code a[at]}, or only the first {@code left} of them (and zeros) when fewer are left. A load
     * under a mask is several times slower than a plain one, so a mask is used only where it must.
     */
    private static FloatVector load(float[] a, int at, int left) {
        return left >= F.length() ? FloatVector.fromArray(F, a, at)
                : FloatVector.fromArray(F, a, at, F.indexInRange(0, left));
    }

    /** Stores the first {@code min(16, left)} lanes of {@code v} at {@code a[at]}, like {@link #load}. */
    private static void store(FloatVector v, float[] a, int at, int left) {
        if (left >= F.length()) {
            v.intoArray(a, at);
        } else {
            v.intoArray(a, at, F.indexInRange(0, left));
        }
    }
}
