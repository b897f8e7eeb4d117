package org.slmlab.tensor;

/**
 * RMSNorm: {@code y = x / sqrt(mean(x²) + eps) * w}.
 *
 * <p>Rounded as ggml does it, so logits track llama.cpp: squares are float products summed in double, the mean
 * and the scale are floats, and the weight multiply is a separate float product.
 */
public final class RmsNorm {

    private RmsNorm() {
    }

    /** Normalises {@code x[off .. off+n)} into {@code y[yOff ..]} and multiplies by {@code weight}. */
    public static void apply(float[] x, int off, float[] weight, float[] y, int yOff, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            sum += v * v;
        }
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (x[off + i] * scale) * weight[i];
        }
    }

    /** Normalises each of {@code rows} consecutive rows of width {@code n} starting at {@code x[off]}, in place. */
    public static void applyRows(float[] x, int off, int rows, int n, float[] weight, float eps) {
        for (int r = 0; r < rows; r++) {
            apply(x, off + r * n, weight, x, off + r * n, n, eps);
        }
    }
}
