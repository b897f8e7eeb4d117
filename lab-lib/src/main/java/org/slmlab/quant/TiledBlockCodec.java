package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * A block codec whose fast dequantizer yields exactly the values its block dot multiplies ({@code q·d}: a small
 * integer times an fp16 scale is exact in a float), so a batch can be multiplied as floats: prompt processing
 * decodes every weight row once and runs {@link FloatTile}'s register-tiled product over all tokens; generation
 * (one token) keeps the integer block dot.
 */
abstract class TiledBlockCodec extends BlockCodec {

    protected TiledBlockCodec(GgmlType type, GgmlType vecDotType) {
        super(type, vecDotType);
    }

    @Override
    public void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows,
                        MemorySegment act, long actOffset, long actRowBytes, int acts,
                        int n, float[] out, int outOffset, int outStride) {
        FloatTile.dotTile(this, this::dequantizeFast, w, wOffset, wRowBytes, rows,
                act, actOffset, actRowBytes, acts, n, out, outOffset, outStride);
    }
}
