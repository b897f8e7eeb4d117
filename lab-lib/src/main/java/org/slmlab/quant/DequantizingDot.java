package org.slmlab.quant;

import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;

/**
 * A float weight type (F32, F16, BF16) whose fast products dequantize the weights and activations to floats and
 * run {@link FloatTile}'s register-tiled product — for a batch and for a single token alike: dequantizing these
 * types is cheap, and four rows sharing each activation load beat one row at a time. ggml's own dot products of
 * these types are float multiply-adds too, so only the summation order differs from the reference.
 *
 * <p>The tile works in whole 16-float vectors; a row whose length is not a multiple of 16 (possible only for
 * these unblocked types) takes the reference.
 */
interface DequantizingDot extends QuantCodec {

    @Override
    default float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        if (n % F512.length() != 0) {
            return dotScalar(w, wOffset, act, actOffset, n);
        }
        float[] out = new float[1];
        FloatTile.multiply(this::dequantizeFast, w, wOffset, 0, 1,
                ActivationBatch.of(vecDotType(), act, actOffset, 0, 1, n).floats(), 1, n, out, 0, 1);
        return out[0];
    }

    @Override
    default void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows,
                         MemorySegment act, long actOffset, long actRowBytes, int acts,
                         int n, float[] out, int outOffset, int outStride) {
        dotTile(w, wOffset, wRowBytes, rows, ActivationBatch.of(vecDotType(), act, actOffset, actRowBytes, acts, n),
                out, outOffset, outStride);
    }

    @Override
    default void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                         float[] out, int outOffset, int outStride) {
        if (Simd.FAST && act.n() % F512.length() == 0) {
            FloatTile.multiply(this::dequantizeFast, w, wOffset, wRowBytes, rows, act.floats(), act.count(), act.n(),
                    out, outOffset, outStride);
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < act.count(); t++) {
                out[outOffset + t * outStride + r] = dot(w, wOffset + r * wRowBytes, act.blocks(),
                        act.offset() + t * act.rowBytes(), act.n());
            }
        }
    }
}
