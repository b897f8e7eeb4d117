package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * A block codec whose fast dequantizer yields exactly the values its block dot multiplies ({@code q·d}: a small
 * integer times an fp16 scale is exact in a float), so a batch can be multiplied as floats: prompt processing
 * decodes every weight row once and runs {@link FloatTile}'s register-tiled product over all tokens; generation
 * (fewer than {@link FloatTile#MIN_ACTS} tokens) keeps the integer block dot, pair by pair ({@link #dotRows}).
 */
abstract class TiledBlockCodec extends BlockCodec {

    protected TiledBlockCodec(GgmlType type, GgmlType vecDotType) {
        super(type, vecDotType);
    }

    @Override
    public void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                        float[] out, int outOffset, int outStride) {
        if (!FloatTile.worthIt(act.count())) {
            dotRows(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
            return;
        }
        FloatTile.multiply(this::dequantizeFast, w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
    }

    /** {@link #dotTile} for a few tokens: one block dot per (row, token) unless a codec has a faster row kernel. */
    protected void dotRows(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                           float[] out, int outOffset, int outStride) {
        dotPairs(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
    }
}
