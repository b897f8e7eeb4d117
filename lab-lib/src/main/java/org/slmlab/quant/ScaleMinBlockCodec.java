package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * Q4_1 and Q5_1: 32-weight blocks that start with an fp16 scale d and an fp16 min m ({@code w = d·q + m}),
 * dotted with Q8_1 activations. ggml's block dot is {@code d·d_a·Σq·q_a + m·s}, where s is the activation
 * block's stored fp16 sum: the float tile multiplies {@code d·q} alone and adds the min terms apart.
 */
abstract class ScaleMinBlockCodec extends Int8BlockCodec {

    /** The fp16 min follows the fp16 scale. */
    static final int M = 2;

    protected ScaleMinBlockCodec(GgmlType type) {
        super(type, GgmlType.Q8_1);
    }

    /** The fast dequantizer ({@code d·q + m}), or with {@code withMin} false only {@code d·q}. */
    abstract void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int n, boolean withMin);

    @Override
    public final void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        decode(src, offset, dst, dstOffset, n, true);
    }

    /** The float tile multiplies {@code d·q} only; ggml's min terms follow in {@link #addToTile}. */
    @Override
    protected final void decodeForTile(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        decode(src, offset, dst, dstOffset, n, false);
    }

    /**
     * The min terms {@code m·s}, with the activation's own stored block sums {@code s} (fp16, as ggml uses them —
     * recomputing them from the quants would differ by that rounding).
     */
    @Override
    protected final void addToTile(MemorySegment w, long wOffset, long wRowBytes, int rows,
                                   MemorySegment act, long actOffset, long actRowBytes, int acts,
                                   int n, float[] out, int outOffset, int outStride) {
        Q8_1Codec.addMinTerms(w, wOffset, wRowBytes, rows, type().typeSize(), M,
                act, actOffset, actRowBytes, acts, n, out, outOffset, outStride);
    }
}
