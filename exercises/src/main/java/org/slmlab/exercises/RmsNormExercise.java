package org.slmlab.exercises;

/**
 * Exercise 9 (notebook 05-inside-the-engine): RMSNorm, the normalisation before every attention and FFN block.
 *
 * <p>{@code y[i] = x[i] / sqrt(mean(x²) + eps) × weight[i]}. Unlike LayerNorm it subtracts no mean and adds no
 * bias; {@code eps} keeps an all-zero vector from dividing by zero.
 */
public final class RmsNormExercise {

    private RmsNormExercise() {
    }

    /** The normalised copy of {@code x} (x is left unchanged). */
    public static float[] rmsNorm(float[] x, float[] weight, float eps) {
        throw new UnsupportedOperationException("TODO exercise 9: RMSNorm");
    }
}
