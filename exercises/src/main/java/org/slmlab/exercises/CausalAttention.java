package org.slmlab.exercises;

/**
 * Exercise 11 (notebook 05-inside-the-engine): softmax, and one head of causal self-attention.
 *
 * <p>For each position {@code t}, the query {@code q[t]} is compared with the keys of positions {@code 0..t}
 * only (causal: no peeking ahead): {@code score[j] = q[t]·k[j] / sqrt(d)}; the scores become weights by softmax;
 * the output is {@code Σ_j weight[j] × v[j]}.
 */
public final class CausalAttention {

    private CausalAttention() {
    }

    /**
     * {@code exp(s[i] − max) / Σ exp(s[j] − max)}: subtracting the maximum keeps exp from overflowing and changes
     * nothing else. A score of {@code -Infinity} (a masked position) gets probability exactly 0.
     */
    public static float[] softmax(float[] scores) {
        throw new UnsupportedOperationException("TODO exercise 11: softmax");
    }

    /** One attention head over a sequence: {@code q}, {@code k}, {@code v} are [positions][d]; returns [positions][d]. */
    public static float[][] causalHead(float[][] q, float[][] k, float[][] v) {
        throw new UnsupportedOperationException("TODO exercise 11: causal attention");
    }
}
