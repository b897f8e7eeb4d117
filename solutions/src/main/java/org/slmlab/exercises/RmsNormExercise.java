package org.slmlab.exercises;

/** Exercise 9, solved. */
public final class RmsNormExercise {

    private RmsNormExercise() {
    }

    public static float[] rmsNorm(float[] x, float[] weight, float eps) {
        double sumOfSquares = 0;
        for (float v : x) {
            sumOfSquares += v * v;
        }
        float scale = (float) (1 / Math.sqrt(sumOfSquares / x.length + eps));
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * scale * weight[i];
        }
        return y;
    }
}
