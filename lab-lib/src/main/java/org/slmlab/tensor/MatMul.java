package org.slmlab.tensor;

import org.slmlab.quant.ActivationBatch;
import org.slmlab.quant.QuantCodec;

/**
 * {@code out = x · Wᵀ} for a batch of activation rows, with ggml's CPU semantics: the activations are in the
 * weight type's {@code vec_dot} format (see {@link QuantizedActivations}) and every output is one
 * {@link QuantCodec#dot} of a stored weight row with an activation row.
 *
 * <p>Threads split the weight rows: each hands its slice of the matrix and all activation rows to the codec's
 * {@link QuantCodec#dotTile}, which reads the slice once — during prompt processing a weight row is reused by
 * every token of the batch, so a codec's tile kernel decodes each weight block once for several tokens.
 *
 * <p>Matrices that read the same input (Q, K and V; gate and up) can go in one call: their rows form one loop
 * for the {@link WorkerPool}, so the threads meet once instead of once per matrix.
 */
public final class MatMul {

    /** Rows per chunk are a multiple of this, so a tile kernel's row groups are never split between threads. */
    static final int ROW_GRAIN = 32;

    private MatMul() {
    }

    /**
     * @param out {@code x.count()} rows of {@code w.rows()} results, row-major, starting at index 0
     */
    public static void multiply(WorkerPool pool, Matrix w, QuantizedActivations x, float[] out) {
        multiply(pool, x, new Matrix[] {w}, new float[][] {out});
    }

    /**
     * {@code outs[m] = x · ws[m]ᵀ} for every m, as one parallel loop over all the matrices' rows.
     *
     * @param outs per matrix, {@code x.count()} rows of {@code ws[m].rows()} results, row-major, from index 0
     */
    public static void multiply(WorkerPool pool, QuantizedActivations x, Matrix[] ws, float[][] outs) {
        ActivationBatch[] acts = new ActivationBatch[ws.length];
        int total = 0;
        for (int m = 0; m < ws.length; m++) {
            Matrix w = ws[m];
            if (x.cols() != w.cols()) {
                throw new IllegalArgumentException("matmul " + w.name() + ": activations have " + x.cols()
                        + " columns, the matrix " + w.cols());
            }
            if (outs[m].length < (long) x.count() * w.rows()) {
                throw new IllegalArgumentException("matmul " + w.name() + ": output holds " + outs[m].length
                        + " floats, needs " + (long) x.count() * w.rows());
            }
            acts[m] = x.batch(w.vecDotType()); // converted before the loop: conversion is not thread-safe
            total += w.rows();
        }
        pool.parallelFor(total, ROW_GRAIN, (from, to) -> {
            int base = 0;
            for (int m = 0; m < ws.length && from < to; m++) {
                int rows = ws[m].rows();
                if (from < base + rows) {
                    int end = Math.min(to, base + rows);
                    rowSlice(ws[m], acts[m], outs[m], from - base, end - base);
                    from = end;
                }
                base += rows;
            }
        });
    }

    /** Rows [from, to) of {@code w} against all activation rows. */
    private static void rowSlice(Matrix w, ActivationBatch act, float[] out, int from, int to) {
        long wRowBytes = w.rowBytes();
        w.codec().dotTile(w.data(), from * wRowBytes, wRowBytes, to - from, act, out, from, w.rows());
    }
}
