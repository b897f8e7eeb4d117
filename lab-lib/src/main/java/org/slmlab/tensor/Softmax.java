package org.slmlab.tensor;

/** Softmax of attention scores, rounded as ggml's {@code soft_max} (float exponentials, double sum). */
public final class Softmax {

    private Softmax() {
    }

    /**
     * Turns {@code s[0..n)} into probabilities in place. Entries equal to {@code -Infinity} (masked positions)
     * become exactly 0.
     */
    public static void apply(float[] s, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, s[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = s[i] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(s[i] - max);
            s[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            s[i] *= inv;
        }
    }
}
