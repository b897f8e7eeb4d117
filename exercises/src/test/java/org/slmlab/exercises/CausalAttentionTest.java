package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.tensor.Softmax;

@Exercise(number = 11, title = "Softmax and one head of causal attention")
class CausalAttentionTest {

    static float[] labSoftmax(float[] s) {
        float[] p = s.clone();
        Softmax.apply(p, p.length);
        return p;
    }

    /** One head computed with the engine's softmax: the reference. */
    static float[][] labHead(float[][] q, float[][] k, float[][] v) {
        int d = q[0].length;
        float[][] out = new float[q.length][d];
        for (int t = 0; t < q.length; t++) {
            float[] s = new float[t + 1];
            for (int j = 0; j <= t; j++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += q[t][i] * k[j][i];
                }
                s[j] = (float) (dot / Math.sqrt(d));
            }
            float[] w = labSoftmax(s);
            for (int j = 0; j <= t; j++) {
                for (int i = 0; i < d; i++) {
                    out[t][i] += w[j] * v[j][i];
                }
            }
        }
        return out;
    }

    static float[][] matrix(SplittableRandom r, int n, int d) {
        float[][] m = new float[n][d];
        for (float[] row : m) {
            for (int i = 0; i < d; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        return m;
    }

    @Test
    @Points(2)
    void softmaxGivesProbabilities() {
        SplittableRandom r = new SplittableRandom(15);
        for (int n : new int[] {1, 5, 100}) {
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                s[i] = (float) (r.nextGaussian() * 10);
            }
            assertArrayEquals(labSoftmax(s), CausalAttention.softmax(s), 1e-6f);
        }
        float[] huge = {1000f, 999f, -1000f};
        assertArrayEquals(labSoftmax(huge), CausalAttention.softmax(huge), 1e-6f, "large scores must not overflow");
    }

    @Test
    @Points(1)
    void maskedScoresGetZero() {
        float[] s = {1f, Float.NEGATIVE_INFINITY, 2f, Float.NEGATIVE_INFINITY};
        float[] p = CausalAttention.softmax(s);
        assertEquals(0f, p[1]);
        assertEquals(0f, p[3]);
        assertArrayEquals(labSoftmax(s), p, 1e-6f);
    }

    /** Float dot products summed in a different order differ by ~1e-6 of the values; 1e-4 leaves room. */
    @Test
    @Points(3)
    void headMatchesTheReference() {
        SplittableRandom r = new SplittableRandom(16);
        float[][] q = matrix(r, 12, 64);
        float[][] k = matrix(r, 12, 64);
        float[][] v = matrix(r, 12, 64);
        float[][] expected = labHead(q, k, v);
        float[][] actual = CausalAttention.causalHead(q, k, v);
        for (int t = 0; t < q.length; t++) {
            assertArrayEquals(expected[t], actual[t], 1e-4f, "position " + t);
        }
    }

    @Test
    @Points(1)
    void theFutureDoesNotLeak() {
        SplittableRandom r = new SplittableRandom(17);
        float[][] q = matrix(r, 6, 16);
        float[][] k = matrix(r, 6, 16);
        float[][] v = matrix(r, 6, 16);
        float[][] before = CausalAttention.causalHead(q, k, v);
        k[5] = matrix(r, 1, 16)[0];
        v[5] = matrix(r, 1, 16)[0];
        float[][] after = CausalAttention.causalHead(q, k, v);
        for (int t = 0; t < 5; t++) {
            assertArrayEquals(before[t], after[t], "position " + t + " saw position 5");
        }
    }
}
