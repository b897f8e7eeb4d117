package org.slmlab.quant;

import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * A float weight type (F32, F16, BF16) whose fast products dequantize the weights and activations to floats and
 * run float multiply-adds. ggml's own dot products of these types are float multiply-adds too, so only the
 * summation order differs from the reference.
 *
 * <p>A batch of tokens goes to {@link FloatTile}'s register-tiled product. One token (generation) goes to
 * {@link #matVec}, which reads the weights once at memory speed. Both sum each (row, token) in tinyBLAS's order —
 * 16 partial sums, partial j taking the columns k ≡ j (mod 16) in order by fused multiply-adds, added in one fixed
 * tree ({@link Simd#sum} here, its lane-by-lane twin in the tile) — so a row's result has the same bits whichever
 * of the two computes it ({@code FloatTileTest}).
 *
 * <p>The kernels work in whole 16-float vectors; a row whose length is not a multiple of 16 (possible only for
 * these unblocked types) takes the reference.
 */
interface DequantizingDot extends QuantCodec {

    /**
     * Columns {@link #matVec} decodes at a time: four rows of 1024 floats are 16 KB, which stay in the 48 KB L1
     * data cache next to the activation row — so the decoded weights are read back from L1, never from L2.
     */
    int SLICE = 1024;

    @Override
    default float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        if (n % F512.length() != 0) {
            return shortRowDot(w, wOffset, act, actOffset, n);
        }
        float[] out = new float[1];
        matVec(w, wOffset, 0, 1, ActivationBatch.of(vecDotType(), act, actOffset, 0, 1, n).floats(), n, out, 0);
        return out[0];
    }

    /**
     * A row whose length is not a multiple of 16. llamafile's tile refuses such rows, so ggml multiplies them one
     * dot product at a time with its own {@code vec_dot}; a type whose order the lab matches ({@link GgmlSum})
     * decodes both rows and sums in that order ({@link #decodedDot}); the others take the reference.
     */
    default float shortRowDot(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return dotScalar(w, wOffset, act, actOffset, n);
    }

    /** Both rows decoded to floats, then multiplied and summed in one of ggml's orders. */
    default float decodedDot(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n,
                             GgmlSum.Order order) {
        float[] x = new float[n];
        float[] y = new float[n];
        dequantizeFast(w, wOffset, x, 0, n);
        dequantizeFast(act, actOffset, y, 0, n);
        return order.dot(x, 0, y, 0, n);
    }

    @Override
    default void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                         float[] out, int outOffset, int outStride) {
        if (Simd.FAST && act.n() % F512.length() == 0) {
            if (act.count() == 1) {
                matVec(w, wOffset, wRowBytes, rows, act.floats(), act.n(), out, outOffset);
            } else {
                FloatTile.multiply(this::dequantizeFast, w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
            }
            return;
        }
        dotPairs(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
    }

    /**
     * {@code rows} weight rows times one activation row {@code a} (decoded), into {@code out[outOffset..]}.
     *
     * <p>Generation streams the whole model from memory once per token, so this must keep up with memory: each
     * weight is converted to a float once ({@link #dequantizeFast}; for F16 the JIT compiles it to the CPU's fp16
     * conversion instruction), and rows go four at a time, so that each activation vector, loaded once, feeds four
     * multiply-adds, and four independent accumulator chains hide the multiply-add latency. The rows are decoded
     * a {@link #SLICE} of columns at a time: a whole 3072-long row of four would overflow the L1 cache.
     */
    private void matVec(MemorySegment w, long wOffset, long wRowBytes, int rows, float[] a, int n,
                        float[] out, int outOffset) {
        int slice = Math.min(n, SLICE);
        float[] panel = new float[4 * slice];
        long sliceBytes = type().bytesFor(slice);
        for (int r0 = 0; r0 < rows; r0 += 4) {
            int height = Math.min(4, rows - r0);
            if (height < 4) {
                Arrays.fill(panel, 0f);  // missing rows: sums of zero, never stored
            }
            FloatVector s0 = FloatVector.zero(F512), s1 = s0, s2 = s0, s3 = s0;
            long row0 = wOffset + r0 * wRowBytes;
            for (int j0 = 0; j0 < n; j0 += slice) {
                int len = Math.min(slice, n - j0);
                long at = row0 + (j0 / slice) * sliceBytes;
                for (int i = 0; i < height; i++) {
                    dequantizeFast(w, at + i * wRowBytes, panel, i * slice, len);
                }
                for (int j = 0; j < len; j += F512.length()) {
                    FloatVector x = FloatVector.fromArray(F512, a, j0 + j);
                    s0 = FloatVector.fromArray(F512, panel, j).fma(x, s0);
                    s1 = FloatVector.fromArray(F512, panel, slice + j).fma(x, s1);
                    s2 = FloatVector.fromArray(F512, panel, 2 * slice + j).fma(x, s2);
                    s3 = FloatVector.fromArray(F512, panel, 3 * slice + j).fma(x, s3);
                }
            }
            float[] sums = {Simd.sum(s0), Simd.sum(s1), Simd.sum(s2), Simd.sum(s3)};
            System.arraycopy(sums, 0, out, outOffset + r0, height);
        }
    }
}
