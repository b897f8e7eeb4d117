package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.model.RopeStyle;
import org.slmlab.tensor.Rope;

@Exercise(number = 10, title = "RoPE: NORM and NEOX pairings")
class RotaryEmbeddingTest {

    /** The engine's RoPE, the reference. */
    static float[] lab(float[] head, int pos, float base, RopeStyle style) {
        Rope rope = new Rope(style, head.length, base, 1f, 1f, null);
        float[] x = head.clone();
        rope.rotate(x, 0, 1, head.length, rope.angles(pos));
        return x;
    }

    static float[] student(float[] head, int pos, float base, boolean neox) {
        float[] x = head.clone();
        RotaryEmbedding.rotate(x, pos, base, neox);
        return x;
    }

    /**
     * The engine builds each angle as ggml does (a float multiplied pair by pair), which differs from a direct
     * pow() by a few float roundings; at positions up to 100 that moves outputs by well under 1e-4.
     */
    static void assertClose(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f, what + ", element " + i);
        }
    }

    static float[] head(SplittableRandom r, int d) {
        float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    @Points(2)
    void normPairsNeighbours() {
        SplittableRandom r = new SplittableRandom(12);
        for (int pos : new int[] {1, 2, 7, 31, 100}) {
            float[] h = head(r, 64);
            assertClose(lab(h, pos, 10000f, RopeStyle.NORM), student(h, pos, 10000f, false), "NORM at position " + pos);
        }
    }

    @Test
    @Points(2)
    void neoxPairsHalves() {
        SplittableRandom r = new SplittableRandom(13);
        for (int pos : new int[] {1, 3, 17, 64, 99}) {
            float[] h = head(r, 128);
            assertClose(lab(h, pos, 1_000_000f, RopeStyle.NEOX), student(h, pos, 1_000_000f, true), "NEOX at position " + pos);
        }
    }

    @Test
    @Points(1)
    void positionZeroChangesNothing() {
        float[] h = head(new SplittableRandom(14), 32);
        assertClose(h, student(h, 0, 10000f, false), "NORM at position 0");
        assertClose(h, student(h, 0, 10000f, true), "NEOX at position 0");
    }
}
