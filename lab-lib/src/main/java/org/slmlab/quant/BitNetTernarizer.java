package org.slmlab.quant;

/**
 * BitNet b1.58's weight quantization ("absmean"): every weight of a matrix becomes −1, 0 or +1 times one scale,
 * the mean absolute weight γ:
 * <pre>
 *   γ = max(mean|W|, 1e-5)        q = clamp(round(W / γ), −1, 1)        W ≈ q · γ
 * </pre>
 * Weights smaller than γ/2 in magnitude become 0, the others ±γ. Models are trained with this rounding in the
 * loop (straight-through estimator), which is why their weights survive it; applied to an ordinary model after
 * training it destroys it — try both in the notebooks. {@code round} is round-half-to-even, as
 * {@code torch.round} in BitNet's reference code; the 1e-5 floor keeps an all-zero matrix from dividing by zero.
 */
public final class BitNetTernarizer {

    /** The floor BitNet's reference code puts under γ. */
    public static final float MIN_SCALE = 1e-5f;

    /** Ternary weights {@code values[i] ∈ {−1, 0, +1}} that stand for {@code values[i] · scale}. */
    public record Ternary(byte[] values, float scale) {

        /** The weights these ternary values stand for. */
        public float[] dequantize() {
            float[] w = new float[values.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = values[i] * scale;
            }
            return w;
        }
    }

    private BitNetTernarizer() {
    }

    /** Ternarizes {@code n} weights from {@code w[offset]} (a whole matrix: γ is shared by all of them). */
    public static Ternary absmean(float[] w, int offset, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("nothing to ternarize: n = " + n);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.abs(w[offset + i]);
        }
        float gamma = Math.max((float) (sum / n), MIN_SCALE);
        byte[] q = new byte[n];
        for (int i = 0; i < n; i++) {
            q[i] = (byte) Math.clamp(Math.rint(w[offset + i] / gamma), -1, 1);
        }
        return new Ternary(q, gamma);
    }
}
