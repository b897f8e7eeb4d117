package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.sampling.Sampler;
import org.slmlab.sampling.SamplerSettings;

@Exercise(number = 12, title = "Greedy, top-k and top-p sampling")
class SamplingTest {

    static float[] logits(SplittableRandom r, int n) {
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = (float) (r.nextGaussian() * 3);
        }
        return l;
    }

    @Test
    @Points(1)
    void greedyTakesTheLargestAndTheLowestIdOnATie() {
        SplittableRandom r = new SplittableRandom(18);
        for (int i = 0; i < 100; i++) {
            float[] l = logits(r, 50);
            assertEquals(Sampler.argmax(l), Sampling.greedy(l));
        }
        assertEquals(1, Sampling.greedy(new float[] {0f, 5f, 5f, 1f}));
    }

    @Test
    @Points(2)
    void topKKeepsTheKLargestInOrder() {
        assertArrayEquals(new int[] {3, 0, 2}, Sampling.topK(new float[] {2f, -1f, 2f, 7f, 0f}, 3));
        SplittableRandom r = new SplittableRandom(19);
        float[] l = logits(r, 1000);
        int[] top = Sampling.topK(l, 40);
        assertEquals(40, top.length);
        float[] sorted = l.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < 40; i++) {
            assertEquals(sorted[999 - i], l[top[i]], "rank " + i);
        }
    }

    /** The same seeded draw as the lab's sampler: the student's choice must be the lab's, case after case. */
    @Test
    @Points(3)
    void samplesExactlyAsTheLabDoes() {
        SplittableRandom r = new SplittableRandom(20);
        for (int c = 0; c < 400; c++) {
            float[] l = logits(r, 64);
            int k = new int[] {0, 1, 5, 40}[c % 4];
            float p = new float[] {1f, 0.95f, 0.5f, 0.1f}[(c / 4) % 4];
            float temperature = new float[] {0.2f, 0.8f, 1f, 1.7f}[(c / 16) % 4];
            long seed = r.nextLong();
            int expected = new Sampler(new SamplerSettings(temperature, k, p, 0f, 1f, 0, seed)).sample(l, List.of());
            double u = new SplittableRandom(seed).nextDouble();
            assertEquals(expected, Sampling.sample(l, k, p, temperature, u),
                    "case " + c + ": top-k " + k + ", top-p " + p + ", temperature " + temperature + ", u " + u);
        }
    }

    @Test
    @Points(1)
    void topPKeepsOnlyWhatItNeeds() {
        float[] l = {5f, 0f, 0f, 0f}; // token 0 has probability 0.98: with top-p 0.5 it is the only candidate
        for (double u : new double[] {0.0, 0.5, 0.999}) {
            assertEquals(0, Sampling.sample(l, 0, 0.5f, 1f, u));
        }
    }
}
