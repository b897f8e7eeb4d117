package org.slmlab.engine;

import org.slmlab.gguf.GgmlType;

/**
 * A window into the forward pass, for teaching: the engine calls these with copies of its intermediate values.
 * Every method has an empty default, so an observer overrides only what it wants to see. With an observer
 * attached the engine runs attention on one thread, so calls arrive in order.
 */
public interface ForwardObserver {

    /** The input row of the token at {@code pos}: its embedding (already scaled, for Gemma). */
    default void embedding(int pos, int token, float[] row) {
    }

    /**
     * The attention weights of one query head at {@code pos}: {@code weights[j]} is how much position {@code j}
     * contributes (0 for masked positions); they sum to 1.
     */
    default void attention(int layer, int head, int pos, float[] weights) {
    }

    /**
     * The residual stream after layer {@code layer} for the token at {@code pos}. Feed it to
     * {@link Transformer#logitsOf} to see what the model "would say" after that layer (the logit lens).
     */
    default void layerOutput(int layer, int pos, float[] residual) {
    }

    /**
     * {@code count} rows of {@code cols} activations (row {@code t} belongs to position {@code firstPos + t}) about
     * to be rounded to {@code format} — the weights' {@code vec_dot} type: Q8_0/Q8_1/Q8_K blocks, F16 or BF16 — for
     * the matmul with {@code weight} (the first matrix that reads them; Q, K and V, or gate and up, share them).
     * This is where ggml's activation rounding happens, so where a last-bit difference upstream can move one value
     * to the neighbouring step. Unlike the other callbacks this one receives the engine's own array, not a copy:
     * an experiment may nudge a value before it is rounded (the parity tests do, to prove a rounding flip).
     */
    default void beforeRounding(String weight, GgmlType format, int firstPos, float[] rows, int count, int cols) {
    }
}
