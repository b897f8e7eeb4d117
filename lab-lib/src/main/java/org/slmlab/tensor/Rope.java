package org.slmlab.tensor;

import org.slmlab.model.RopeStyle;

/**
 * Rotary position embedding: rotates pairs of a head's dimensions by angles that grow with the position.
 *
 * <p>Pair {@code i} (of {@code dims/2}) turns by {@code θᵢ = pos · scale · base^(-2i/dims) / factorᵢ}; cos and
 * sin are multiplied by {@code attnFactor}. Only the first {@code dims} dimensions of each head rotate
 * (partial rotary); the rest pass through. The angle is built the way ggml builds it — a float that starts at
 * {@code pos} and is multiplied by {@code base^(-2/dims)} once per pair — so it rounds the same — and its cosine
 * and sine are glibc's {@code cosf}/{@code sinf} ({@link GlibcMath}), which ggml calls, not the correctly
 * rounded ones: they differ in the last bit for a few angles in a thousand.
 */
public final class Rope {

    private final RopeStyle style;
    private final int dims;
    private final float base;
    private final float freqScale;
    private final float attnFactor;
    private final float[] freqFactors;

    /**
     * @param freqFactors per-pair divisors of the frequency (Llama 3 {@code rope_freqs}, Phi-3 LongRoPE factors),
     *                    or null for none
     */
    public Rope(RopeStyle style, int dims, float base, float freqScale, float attnFactor, float[] freqFactors) {
        if (freqFactors != null && freqFactors.length < dims / 2) {
            throw new IllegalArgumentException("rope frequency factors have " + freqFactors.length
                    + " entries, need " + dims / 2);
        }
        this.style = style;
        this.dims = dims;
        this.base = base;
        this.freqScale = freqScale;
        this.attnFactor = attnFactor;
        this.freqFactors = freqFactors;
    }

    /** cos and sin of every pair's angle at {@code pos}, interleaved: {@code [cos0, sin0, cos1, sin1, …]}. */
    public float[] angles(int pos) {
        float[] cs = new float[dims];
        angles(pos, 1, cs);
        return cs;
    }

    /**
     * {@link #angles(int)} of the {@code count} positions from {@code first}, one after another in {@code dst}
     * ({@code dims} floats each): a batch's angles, computed once for all layers that share this rope.
     */
    public void angles(int first, int count, float[] dst) {
        for (int p = 0; p < count; p++) {
            anglesAt(first + p, dst, p * dims);
        }
    }

    private void anglesAt(int pos, float[] cs, int off) {
        float thetaScale = (float) Math.pow(base, -2.0f / dims);
        float theta = pos;
        for (int i = 0; i < dims / 2; i++) {
            float ff = freqFactors == null ? 1f : freqFactors[i];
            float t = freqScale * (theta / ff);
            cs[off + 2 * i] = GlibcMath.cos(t) * attnFactor;
            cs[off + 2 * i + 1] = GlibcMath.sin(t) * attnFactor;
            theta *= thetaScale;
        }
    }

    /** Rotates {@code heads} consecutive heads of width {@code headDim} starting at {@code x[off]}, in place. */
    public void rotate(float[] x, int off, int heads, int headDim, float[] angles) {
        rotate(x, off, heads, headDim, angles, 0);
    }

    /** {@link #rotate(float[], int, int, int, float[])} with the angles at {@code angles[anglesOff..]}. */
    public void rotate(float[] x, int off, int heads, int headDim, float[] angles, int anglesOff) {
        int half = dims / 2;
        for (int h = 0; h < heads; h++) {
            int base0 = off + h * headDim;
            for (int i = 0; i < half; i++) {
                float cos = angles[anglesOff + 2 * i];
                float sin = angles[anglesOff + 2 * i + 1];
                // NORM rotates neighbours (2i, 2i+1); NEOX rotates i with i + dims/2.
                int a = style == RopeStyle.NORM ? base0 + 2 * i : base0 + i;
                int b = style == RopeStyle.NORM ? a + 1 : a + half;
                float x0 = x[a];
                float x1 = x[b];
                // ggml's C++ is compiled with floating-point contraction (GCC's default): the first product of
                // each line is fused with the addition, the second is rounded on its own.
                x[a] = Math.fma(x0, cos, -(x1 * sin));
                x[b] = Math.fma(x0, sin, x1 * cos);
            }
        }
    }
}
