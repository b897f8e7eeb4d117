package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link Fp16} to ggml's portable conversion routines, re-derived here independently from their
 * definition (scale the magnitude to push rounding into hardware, then pick exponent and mantissa bits).
 */
class Fp16Test {

    /** ggml_compute_fp32_to_fp16's algorithm: the rounding is done by two float multiplications and an add. */
    private static short oracleFromFloat(float f) {
        float base = (Math.abs(f) * 0x1.0p+112f) * 0x1.0p-110f;
        int w = Float.floatToRawIntBits(f);
        int shl1W = w + w;
        int sign = w & 0x80000000;
        int bias = shl1W & 0xFF000000;
        if (Integer.compareUnsigned(bias, 0x71000000) < 0) {
            bias = 0x71000000;
        }
        base = Float.intBitsToFloat((bias >>> 1) + 0x07800000) + base;
        int bits = Float.floatToRawIntBits(base);
        int expBits = (bits >>> 13) & 0x00007C00;
        int mantissaBits = bits & 0x00000FFF;
        int nonsign = expBits + mantissaBits;
        return (short) ((sign >>> 16) | (Integer.compareUnsigned(shl1W, 0xFF000000) > 0 ? 0x7E00 : nonsign));
    }

    /** ggml_compute_fp16_to_fp32's algorithm, without the lookup table built from it. */
    private static float oracleToFloat(short h) {
        int w = (h & 0xFFFF) << 16;
        int sign = w & 0x80000000;
        int twoW = w + w;
        float normalized = Float.intBitsToFloat((twoW >>> 4) + (0xE0 << 23)) * 0x1.0p-112f;
        float denormalized = Float.intBitsToFloat((twoW >>> 17) | (126 << 23)) - 0.5f;
        int bits = Integer.compareUnsigned(twoW, 1 << 27) < 0
                ? Float.floatToRawIntBits(denormalized) : Float.floatToRawIntBits(normalized);
        return Float.intBitsToFloat(sign | bits);
    }

    @Test
    void everyHalfConvertsToTheSameFloatAsGgml() {
        for (int h = 0; h < 65536; h++) {
            float expected = oracleToFloat((short) h);
            float actual = Fp16.toFloat((short) h);
            if (Float.isNaN(expected)) {
                assertEquals(true, Float.isNaN(actual), "half 0x" + Integer.toHexString(h));
            } else {
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int h = 0; h < 65536; h++) {
            float f = Fp16.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, Fp16.fromFloat(f), "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void roundsLikeGgmlOnTiesBoundariesAndRandomBits() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int h = 0; h < 65536; h++) {
            // The exact midpoints between neighbouring halves (ties go to the even one) and their neighbours.
            float a = Fp16.toFloat((short) h);
            float b = Fp16.toFloat((short) (h + 1));
            if (Float.isFinite(a) && Float.isFinite(b) && Math.signum(a) == Math.signum(b)) {
                float mid = (a + b) / 2;
                for (float f : new float[] {mid, Math.nextUp(mid), Math.nextDown(mid)}) {
                    assertEquals(oracleFromFloat(f), Fp16.fromFloat(f), "float " + f);
                }
            }
        }
        float[] special = {0f, -0f, Float.MIN_VALUE, 65504f, 65519.996f, 65520f, 1e9f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, -Float.NaN, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 5.96e-8f};
        for (float f : special) {
            assertEquals(oracleFromFloat(f), Fp16.fromFloat(f), "float " + f);
        }
        for (int i = 0; i < 2_000_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            assertEquals(oracleFromFloat(f), Fp16.fromFloat(f), "float bits 0x" + Integer.toHexString(
                    Float.floatToRawIntBits(f)));
        }
    }
}
