package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;

@Exercise(number = 6, title = "Q4_0: quantize, dequantize, nibble layout")
class Q4_0BlockTest {

    @Test
    @Points(3)
    void quantizeIsByteIdenticalWithGgml() {
        SplittableRandom r = new SplittableRandom(10);
        for (int i = 0; i < 2000; i++) {
            float[] x = BlockFixtures.weights(r, 32, i);
            assertArrayEquals(BlockFixtures.quantize(GgmlType.Q4_0, x), Q4_0Block.quantize(x), "block " + i);
        }
    }

    @Test
    @Points(1)
    void firstHalfInLowNibblesSecondHalfInHigh() {
        float[] x = new float[32];
        x[0] = -8; // the largest magnitude: d = 1, its code is 0
        x[16] = 7; // code 15, in the HIGH nibble of byte 0
        x[1] = 1;  // code 9, in the LOW nibble of byte 1
        byte[] b = Q4_0Block.quantize(x);
        assertEquals(0xf0, b[2] & 0xff, "byte 0 holds weight 0 (low) and weight 16 (high)");
        assertEquals(0x89, b[3] & 0xff, "byte 1 holds weight 1 (low) and weight 17 (high)");
    }

    @Test
    @Points(2)
    void dequantizeMatchesGgml() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 2000; i++) {
            byte[] block = BlockFixtures.randomBlock(r, GgmlType.Q4_0, 0);
            assertArrayEquals(BlockFixtures.dequantize(GgmlType.Q4_0, block), Q4_0Block.dequantize(block), "block " + i);
        }
    }
}
