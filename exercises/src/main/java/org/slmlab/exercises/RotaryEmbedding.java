package org.slmlab.exercises;

/**
 * Exercise 10 (notebook 05-inside-the-engine): RoPE, the rotary position embedding applied to every query and key.
 *
 * <p>A head of {@code d} numbers is seen as {@code d/2} pairs; pair {@code i} is rotated by the angle
 * {@code θ_i = pos × base^(−2i/d)}: {@code (a, b) → (a·cos θ − b·sin θ, a·sin θ + b·cos θ)}. Which numbers form a
 * pair depends on the model: NORM style (llama) pairs neighbours {@code (2i, 2i+1)}; NEOX style (Qwen3, Gemma 3,
 * Phi-3, BitNet) pairs {@code (i, i + d/2)}.
 */
public final class RotaryEmbedding {

    private RotaryEmbedding() {
    }

    /** Rotates {@code head} in place for position {@code pos}. */
    public static void rotate(float[] head, int pos, float base, boolean neox) {
        throw new UnsupportedOperationException("TODO exercise 10: RoPE");
    }
}
