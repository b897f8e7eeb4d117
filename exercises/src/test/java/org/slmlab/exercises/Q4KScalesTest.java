package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.Fp16;

/**
 * The lab's Q4_K codec is the reference: a block whose codes are all 1 dequantizes, in sub-block j, to
 * {@code d × sc[j] − dmin × m[j]}; with d = 1, dmin = 0 that is the scale, with d = 0, dmin = 1 minus the min.
 */
@Exercise(number = 7, title = "Q4_K: unpack the 6-bit scales and mins")
class Q4KScalesTest {

    static float[] dequantize(byte[] scales, float d, float dmin) {
        byte[] block = new byte[GgmlType.Q4_K.typeSize()];
        short hd = Fp16.fromFloat(d);
        short hm = Fp16.fromFloat(dmin);
        block[0] = (byte) hd;
        block[1] = (byte) (hd >> 8);
        block[2] = (byte) hm;
        block[3] = (byte) (hm >> 8);
        System.arraycopy(scales, 0, block, 4, 12);
        java.util.Arrays.fill(block, 16, 144, (byte) 0x11);
        float[] x = new float[256];
        Codecs.of(GgmlType.Q4_K).dequantize(MemorySegment.ofArray(block), 0, x, 0, 256);
        return x;
    }

    static int[] perSubBlock(float[] x, float sign) {
        int[] v = new int[8];
        for (int j = 0; j < 8; j++) {
            v[j] = Math.round(sign * x[32 * j]);
        }
        return v;
    }

    @Test
    @Points(3)
    void scalesMatchTheLabsQ4K() {
        SplittableRandom r = new SplittableRandom(21);
        for (int i = 0; i < 500; i++) {
            byte[] q = new byte[12];
            r.nextBytes(q);
            assertArrayEquals(perSubBlock(dequantize(q, 1f, 0f), 1), Q4KScales.scales(q), "scales of block " + i);
        }
    }

    @Test
    @Points(3)
    void minsMatchTheLabsQ4K() {
        SplittableRandom r = new SplittableRandom(22);
        for (int i = 0; i < 500; i++) {
            byte[] q = new byte[12];
            r.nextBytes(q);
            assertArrayEquals(perSubBlock(dequantize(q, 0f, 1f), -1), Q4KScales.mins(q), "mins of block " + i);
        }
    }
}
