package org.slmlab.engine;

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
}
