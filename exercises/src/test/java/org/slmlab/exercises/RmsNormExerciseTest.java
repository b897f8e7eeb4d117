package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.tensor.RmsNorm;

@Exercise(number = 9, title = "RMSNorm")
class RmsNormExerciseTest {

    /** The engine's RMSNorm, the reference. */
    static float[] lab(float[] x, float[] w, float eps) {
        float[] y = new float[x.length];
        RmsNorm.apply(x, 0, w, y, 0, x.length, eps);
        return y;
    }

    /** Summation order may differ from the lab's: allow a relative 1e-5 (float sums of 4096 terms differ by ~1e-6). */
    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.abs(expected[i]) + 1e-7f, "element " + i);
        }
    }

    static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * scale);
        }
        return x;
    }

    @Test
    @Points(2)
    void normalisesLikeTheEngine() {
        SplittableRandom r = new SplittableRandom(9);
        for (int n : new int[] {8, 64, 1024, 4096}) {
            float[] ones = new float[n];
            java.util.Arrays.fill(ones, 1f);
            float[] x = gaussian(r, n, 3);
            assertClose(lab(x, ones, 1e-6f), RmsNormExercise.rmsNorm(x, ones, 1e-6f));
        }
    }

    @Test
    @Points(1)
    void multipliesByTheWeights() {
        SplittableRandom r = new SplittableRandom(10);
        float[] x = gaussian(r, 256, 1);
        float[] w = gaussian(r, 256, 1);
        assertClose(lab(x, w, 1e-5f), RmsNormExercise.rmsNorm(x, w, 1e-5f));
    }

    @Test
    @Points(1)
    void epsilonKeepsZeroFinite() {
        float[] x = new float[16];
        float[] w = new float[16];
        java.util.Arrays.fill(w, 1f);
        assertClose(lab(x, w, 1e-5f), RmsNormExercise.rmsNorm(x, w, 1e-5f));
        float[] tiny = gaussian(new SplittableRandom(11), 16, 1e-4);
        assertClose(lab(tiny, w, 1e-5f), RmsNormExercise.rmsNorm(tiny, w, 1e-5f));
    }
}
