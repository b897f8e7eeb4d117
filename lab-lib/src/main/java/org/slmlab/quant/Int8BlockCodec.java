package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * A block codec dotted with int8 activations (Q8_0, Q8_1 or Q8_K blocks: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, TQ2_0). Its
 * fast block dot reads the activation row from a {@link WidenedActivation}: generation widens each activation row
 * once per matrix product ({@link ActivationBatch#widened}) and streams every weight row of the matrix past it.
 * Batches are each subclass's own: in llamafile's order ({@link Q0Tile}) or, as llama.cpp does for the types
 * tinyBLAS does not take, pair by pair in {@code ggml_vec_dot}'s order.
 */
abstract class Int8BlockCodec extends BlockCodec {

    protected Int8BlockCodec(GgmlType type, GgmlType vecDotType) {
        super(type, vecDotType);
    }

    /** The fast block dot of the weight row at {@code w[wOffset]} with an activation row widened once. */
    abstract float dotRow(MemorySegment w, long wOffset, WidenedActivation a, int n);

    @Override
    public final float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return dotRow(w, wOffset, WidenedActivation.of(vecDotType(), act, actOffset, n), n);
    }

    /** {@link #dotTile} row kernel by row kernel: every (row, token) pair through {@link #dotRow}. */
    protected final void dotRows(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                                 float[] out, int outOffset, int outStride) {
        if (!Simd.FAST) {
            dotPairs(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
            return;
        }
        for (int t = 0; t < act.count(); t++) {
            WidenedActivation a = act.widened(t);
            for (int r = 0; r < rows; r++) {
                out[outOffset + t * outStride + r] = dotRow(w, wOffset + r * wRowBytes, a, act.n());
            }
        }
    }
}
