package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.quant.BitNetTernarizer;

@Exercise(number = 8, title = "BitNet absmean and TQ2_0 packing")
class TernaryTest {

    static float[] gaussian(SplittableRandom r, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02);
        }
        return w;
    }

    @Test
    @Points(1)
    void scaleIsTheMeanAbsoluteWeight() {
        SplittableRandom r = new SplittableRandom(81);
        for (int i = 0; i < 20; i++) {
            float[] w = gaussian(r, 4096);
            assertEquals(BitNetTernarizer.absmean(w, 0, w.length).scale(), Ternary.scale(w), 1e-6f * Ternary.scale(w));
        }
    }

    @Test
    @Points(2)
    void codesMatchBitNet() {
        SplittableRandom r = new SplittableRandom(82);
        for (int i = 0; i < 20; i++) {
            float[] w = gaussian(r, 4096);
            assertArrayEquals(BitNetTernarizer.absmean(w, 0, w.length).values(), Ternary.ternarize(w), "matrix " + i);
        }
    }

    @Test
    @Points(1)
    void anAllZeroMatrixUsesTheFloor() {
        float[] zeros = new float[256];
        assertEquals(1e-5f, Ternary.scale(zeros));
        assertArrayEquals(new byte[256], Ternary.ternarize(zeros));
    }

    /** ggml's TQ2_0 quantizer, given weights that are already trit × scale, is the reference packing. */
    @Test
    @Points(3)
    void packingIsByteIdenticalWithGgml() {
        SplittableRandom r = new SplittableRandom(83);
        for (int i = 0; i < 200; i++) {
            byte[] trits = new byte[256];
            float[] w = new float[256];
            float scale = (float) (0.01 + r.nextDouble() * 0.05);
            for (int j = 0; j < 256; j++) {
                trits[j] = (byte) (r.nextInt(3) - 1);
            }
            trits[r.nextInt(256)] = 1; // at least one non-zero weight, so ggml's scale is exactly ours
            for (int j = 0; j < 256; j++) {
                w[j] = trits[j] * scale;
            }
            assertArrayEquals(BlockFixtures.quantize(GgmlType.TQ2_0, w), Ternary.packTq2_0(trits, scale), "block " + i);
        }
    }
}
