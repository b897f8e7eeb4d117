package org.slmlab.model;

/**
 * Which pairs of a head's dimensions RoPE rotates together.
 *
 * <p>Both rotate pair {@code i} by the angle {@code pos * base^(-2i/n_rot)}; they differ only in which two
 * numbers form pair {@code i}. The choice follows how the weights were laid out, not the model's maths:
 * llama.cpp's converter permutes the Q/K rows of {@code llama} checkpoints so adjacent pairs work, while every
 * other family keeps the Hugging Face "rotate_half" layout.
 */
public enum RopeStyle {
    /** Adjacent pairs: (0,1), (2,3), … — ggml's {@code GGML_ROPE_TYPE_NORM}, used by {@code llama}. */
    NORM,
    /** Halves: (0, n/2), (1, n/2+1), … — ggml's {@code GGML_ROPE_TYPE_NEOX}, used by everyone else here. */
    NEOX
}
