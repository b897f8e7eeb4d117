package org.slmlab.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.slmlab.quant.GgmlSum;

class GgmlExpTest {

    /** ggml documents its vector exponential as within 1.45 + 0.5 ulps of the true value (a little more far out). */
    @Test
    void vectorExponentialIsWithinThreeUlps() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (rnd.nextDouble() * 160 - 100);
            double exact = Math.exp(x);
            float got = GgmlExp.vector(x);
            assertTrue(Math.abs(got - exact) <= 3 * Math.ulp((float) exact), x + ": " + got + " vs " + exact);
        }
        assertEquals(1f, GgmlExp.vector(0f));
        assertEquals(0f, GgmlExp.vector(Float.NEGATIVE_INFINITY));
        assertEquals(0f, GgmlExp.vector(-200f));
        assertEquals(Float.POSITIVE_INFINITY, GgmlExp.vector(200f));
    }

    /**
     * The 16-lane version gives every lane the scalar version's bits: random inputs over the whole range the
     * polynomial covers and beyond (results that are subnormal, that overflow, that saturate), and the special
     * values. Repeated so that C2 compiles it part way through.
     */
    @Test
    void vectorLanesEqualTheScalarVersion() {
        SplittableRandom rnd = new SplittableRandom(13);
        float[] special = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 88.7f,
                88.72284f, 89f, -87.3f, -103.9f, -104f, 133f, -133f, 192f * 0.6931472f, -192f * 0.6931472f,
                Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] x = new float[16];
        float[] got = new float[16];
        for (int round = 0; round < 20_000; round++) {
            for (int l = 0; l < 16; l++) {
                x[l] = round < 2 ? special[(round * 16 + l) % special.length]
                        : (float) (rnd.nextDouble() * (round % 3 == 0 ? 400 : 40) - (round % 3 == 0 ? 200 : 20));
            }
            GgmlExp.vector(FloatVector.fromArray(FloatVector.SPECIES_512, x, 0)).intoArray(got, 0);
            for (int l = 0; l < 16; l++) {
                // (floatToIntBits: any NaN counts as the same NaN)
                assertEquals(Float.floatToIntBits(GgmlExp.vector(x[l])), Float.floatToIntBits(got[l]),
                        "exp(" + x[l] + ")");
            }
        }
    }

    /** Not the correctly rounded value: some inputs differ from expf in the last bit, which is why it is emulated. */
    @Test
    void vectorExponentialDiffersFromTheLibraryOnSomeInputs() {
        SplittableRandom rnd = new SplittableRandom(11);
        int differ = 0;
        for (int i = 0; i < 10_000; i++) {
            float x = (float) (rnd.nextDouble() * 20 - 10);
            if (GgmlExp.vector(x) != GgmlExp.scalar(x)) {
                differ++;
            }
        }
        assertTrue(differ > 100, "only " + differ + " of 10000 differ");
    }

    @Test
    void rowSplitsIntoGroupsOfSixteenAndLeftovers() {
        assertTrue(GgmlExp.inVectorPart(159, 172));
        assertTrue(!GgmlExp.inVectorPart(160, 172));
        assertTrue(GgmlExp.inVectorPart(255, 256));
    }

    @Test
    void reductionOrderIsTheRegisterTree() {
        // 1e8 absorbs a lone 1 but not a pair of them: the order decides the result.
        float[] v = new float[16];
        v[0] = 1e8f;
        v[8] = -1e8f;
        v[1] = 1f;
        v[3] = 1f;
        // (v0 + v8) = 0, the ones meet as (q1 + q3) = 2 before anything large: exactly 2 (in index order 1e8
        // would absorb both ones and the sum would be 0).
        assertEquals(2f, GgmlSum.reduce16(v, 0));
        v[8] = 0f;
        v[2] = -1e8f;
        // q0 = 1e8, q2 = -1e8: (q0 + q2) = 0, (q1 + q3) = 2.
        assertEquals(2f, GgmlSum.reduce16(v, 0));
    }

    @Test
    void dotAddsLeftoversWithoutFusing() {
        float[] x = new float[70];
        float[] y = new float[70];
        java.util.Arrays.fill(x, 1f);
        java.util.Arrays.fill(y, 1f);
        assertEquals(70f, GgmlSum.dot(x, 0, y, 0, 70));
        // a² = 1 + 2^-11 + 2^-24: the float product drops the 2^-24 (a tie, to even); a fused multiply-add would
        // keep it and give 2^-11 + 2^-24.
        float a = 1f + 0x1p-12f;
        assertEquals(0x1p-11f, GgmlSum.dot(new float[] {1f, a}, 0, new float[] {-1f, a}, 0, 2));
    }
}
