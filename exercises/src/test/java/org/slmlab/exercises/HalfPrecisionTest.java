package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.quant.Bf16;
import org.slmlab.quant.Fp16;

@Exercise(number = 4, title = "fp16 and bf16 conversion")
class HalfPrecisionTest {

    private static String hex(short s) {
        return String.format("0x%04x", s & 0xffff);
    }

    /** Compares bit patterns; the message is only built when they differ (these loops run 10^5 times). */
    private static void assertSameHalf(short expected, short actual, String what, float input) {
        if (expected != actual) {
            assertEquals(hex(expected), hex(actual), what + " of " + input);
        }
    }

    @Test
    @Points(2)
    void everyHalfDecodesExactly() {
        for (int h = 0; h < 65536; h++) {
            float expected = Fp16.toFloat((short) h);
            float actual = HalfPrecision.halfToFloat((short) h);
            if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
                assertEquals(expected, actual, "fp16 " + hex((short) h) + " decodes to " + expected);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        "fp16 " + hex((short) h) + ": the float bits differ");
            }
        }
    }

    @Test
    @Points(2)
    void roundsToNearestTiesToEven() {
        float[] cases = {0f, -0f, 1f, -2.5f, 1 + 0x1p-11f, 1 + 3 * 0x1p-11f, 1 + 0x1p-11f + 0x1p-20f, 65504f, 65519f,
            0.1f, 3.14159f, -1e-3f};
        for (float f : cases) {
            assertSameHalf(Fp16.fromFloat(f), HalfPrecision.floatToHalf(f), "fp16", f);
        }
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 50_000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-4, 5)));
            if (Math.abs(f) < 0x1p-14f || Math.abs(f) > 65504f) {
                continue; // normal numbers only: subnormals and overflow have a test of their own
            }
            assertSameHalf(Fp16.fromFloat(f), HalfPrecision.floatToHalf(f), "fp16", f);
        }
    }

    @Test
    @Points(2)
    void subnormalsInfinitiesAndNaN() {
        float[] cases = {0x1p-24f, 0x1p-25f, 0x1.8p-25f, 3 * 0x1p-25f, 0x1p-14f, 0x1.ffcp-15f, 1e-7f, -6e-8f, 1e-10f,
            65520f, 1e6f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, Float.MIN_VALUE};
        for (float f : cases) {
            assertSameHalf(Fp16.fromFloat(f), HalfPrecision.floatToHalf(f), "fp16", f);
        }
        assertSameHalf(Fp16.fromFloat(Float.NaN), HalfPrecision.floatToHalf(Float.NaN), "fp16", Float.NaN);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 100_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt(0x33000000, 0x38800000)) * (r.nextBoolean() ? 1 : -1);
            assertSameHalf(Fp16.fromFloat(f), HalfPrecision.floatToHalf(f), "fp16 (subnormal range)", f);
        }
    }

    @Test
    @Points(2)
    void bf16RoundsToNearestEvenAndKeepsNaN() {
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < 50_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(f))), "NaN must stay NaN");
                continue;
            }
            assertSameHalf(Bf16.fromFloat(f), HalfPrecision.floatToBf16(f), "bf16", f);
        }
        float tie = Float.intBitsToFloat(0x3f808000); // exactly halfway between two bf16 values; the even one wins
        assertSameHalf(Bf16.fromFloat(tie), HalfPrecision.floatToBf16(tie), "bf16 of a tie", tie);
        for (int h = 0; h < 65536; h++) {
            if (Float.floatToRawIntBits(Bf16.toFloat((short) h)) != Float.floatToRawIntBits(HalfPrecision.bf16ToFloat((short) h))) {
                assertEquals(Bf16.toFloat((short) h), HalfPrecision.bf16ToFloat((short) h), "bf16 " + hex((short) h));
            }
        }
    }
}
