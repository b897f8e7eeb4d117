package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;

@Exercise(number = 5, title = "Q8_0: quantize and dequantize a block")
class Q8_0BlockTest {

    @Test
    @Points(3)
    void quantizeIsByteIdenticalWithGgml() {
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < 2000; i++) {
            float[] x = BlockFixtures.weights(r, 32, i);
            assertArrayEquals(BlockFixtures.quantize(GgmlType.Q8_0, x), Q8_0Block.quantize(x), "block " + i);
        }
    }

    @Test
    @Points(1)
    void roundsHalvesAwayFromZero() {
        float[] x = new float[32];
        x[0] = 127; // d = 1 exactly, so every other weight is its own code
        for (int i = 1; i < 32; i++) {
            x[i] = i - 16 + 0.5f;
        }
        assertArrayEquals(BlockFixtures.quantize(GgmlType.Q8_0, x), Q8_0Block.quantize(x));
    }

    @Test
    @Points(1)
    void allZeroBlockHasZeroScale() {
        assertArrayEquals(new byte[34], Q8_0Block.quantize(new float[32]));
    }

    @Test
    @Points(2)
    void dequantizeMatchesGgml() {
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < 2000; i++) {
            byte[] block = BlockFixtures.randomBlock(r, GgmlType.Q8_0, 0);
            assertArrayEquals(BlockFixtures.dequantize(GgmlType.Q8_0, block), Q8_0Block.dequantize(block), "block " + i);
        }
    }
}
