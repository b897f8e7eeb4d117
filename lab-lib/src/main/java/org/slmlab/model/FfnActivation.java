package org.slmlab.model;

/** The gate non-linearity of a gated feed-forward block: {@code down(act(gate(x)) * up(x))}. */
public enum FfnActivation {
    /** SwiGLU: {@code silu(g) = g / (1 + e^-g)}. Llama, Qwen, Phi, and llama.cpp's BitNet. */
    SILU,
    /** GeGLU with the tanh approximation of GELU ({@code gelu_pytorch_tanh}). Gemma. */
    GELU_TANH,
    /** {@code relu(g)^2}: the trained BitNet b1.58 2B4T, when its GGUF says {@code hidden_activation = relu2}. */
    RELU_SQUARED
}
