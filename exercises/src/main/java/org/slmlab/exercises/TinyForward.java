package org.slmlab.exercises;

import org.slmlab.twin.TinyLlama;

/**
 * Exercise 14 (notebook 05-inside-the-engine): a whole forward pass of a small llama model, built from your pieces
 * of exercises 9-12 — checked against the lab's engine running the same weights.
 *
 * <p>For every token: {@code x = embedding[token]}. Then in each layer: {@code h = rmsNorm(x, attnNorm)};
 * {@code q = wq·h}, {@code k = wk·h}, {@code v = wv·h}; rotate each head of q and k by RoPE at the token's position
 * (NORM pairing, {@code config.ropeBase()}); attention per query head over the positions so far — query head
 * {@code h} uses key/value head {@code h / (heads / kvHeads)} (grouped-query attention); {@code x += wo·attention};
 * then {@code h = rmsNorm(x, ffnNorm)}, {@code x += down·(silu(gate·h) × up·h)} with
 * {@code silu(a) = a / (1 + e^-a)}. Finally {@code logits = output · rmsNorm(x, outputNorm)}.
 * Matrices are {@code [out][in]}: {@code (w·h)[o] = Σ_i w[o][i] × h[i]}.
 */
public final class TinyForward {

    private TinyForward() {
    }

    /** The logits after the last of {@code tokens}. */
    public static float[] logits(TinyLlama model, int[] tokens) {
        throw new UnsupportedOperationException("TODO exercise 14: the forward pass");
    }

    /** The greedy next token. */
    public static int nextToken(TinyLlama model, int[] tokens) {
        throw new UnsupportedOperationException("TODO exercise 14: the next token");
    }
}
