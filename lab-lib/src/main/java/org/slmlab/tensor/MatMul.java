package org.slmlab.tensor;

import java.lang.foreign.MemorySegment;
import org.slmlab.quant.QuantCodec;

/**
 * {@code out = x · Wᵀ} for a batch of activation rows, with ggml's CPU semantics: the activations are in the
 * weight type's {@code vec_dot} format (see {@link QuantizedActivations}) and every output is one
 * {@link QuantCodec#dot} of a stored weight row with an activation row.
 *
 * <p>Threads split the weight rows: each hands its slice of the matrix and all activation rows to the codec's
 * {@link QuantCodec#dotTile}, which reads the slice once — during prompt processing a weight row is reused by
 * every token of the batch, so a codec's tile kernel decodes each weight block once for several tokens.
 */
public final class MatMul {

    private MatMul() {
    }

    /**
     * @param out {@code x.count()} rows of {@code w.rows()} results, row-major, starting at index 0
     */
    public static void multiply(WorkerPool pool, Matrix w, QuantizedActivations x, float[] out) {
        if (x.cols() != w.cols()) {
            throw new IllegalArgumentException("matmul " + w.name() + ": activations have " + x.cols()
                    + " columns, the matrix " + w.cols());
        }
        QuantCodec codec = w.codec();
        MemorySegment act = x.as(codec.vecDotType());
        long actRowBytes = codec.vecDotType().bytesFor(w.cols());
        long wRowBytes = w.rowBytes();
        int n = x.count();
        int rows = w.rows();
        int cols = w.cols();
        MemorySegment weights = w.data();
        pool.parallelFor(rows, (from, to) -> codec.dotTile(weights, from * wRowBytes, wRowBytes, to - from,
                act, 0, actRowBytes, n, cols, out, from, rows));
    }
}
