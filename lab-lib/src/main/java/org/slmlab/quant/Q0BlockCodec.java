package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * The int8-dotted block formats that llama.cpp multiplies in two ways (Q8_0, Q4_0, Q5_0): one token at a time
 * with {@code ggml_vec_dot_*_q8_0} (here {@link #dotRow}, the activation row widened once), a batch of tokens with
 * llamafile's {@code tinyBLAS_Q0} in its own summation order ({@link Q0Tile}). Following each in its own order is
 * what keeps prompt logits on llama.cpp's bits.
 */
abstract class Q0BlockCodec extends Int8BlockCodec implements Q0Tile.Decoder {

    protected Q0BlockCodec(GgmlType type) {
        super(type, GgmlType.Q8_0);
    }

    /** The codes times the block scale: exact, so the same bits as the scalar dequantizer. */
    @Override
    public final void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int qk = type().blockSize();
        for (int b = 0; b < n / qk; b++) {
            long block = offset + (long) b * type().typeSize();
            codes(src, block, dst, dstOffset + b * qk);
            BlockVectors.scaleBlock(dst, dstOffset + b * qk, Fp16.read(src, block));
        }
    }

    @Override
    public final void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                              float[] out, int outOffset, int outStride) {
        if (act.count() < Q0Tile.MIN_ACTS) {
            dotRows(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
        } else {
            Q0Tile.dotTile(this, w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
        }
    }
}
