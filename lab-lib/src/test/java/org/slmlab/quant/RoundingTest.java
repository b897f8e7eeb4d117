package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundingTest {

    @Test
    void roundfBreaksTiesAwayFromZero() {
        assertEquals(3f, Rounding.roundHalfAwayFromZero(2.5f));
        assertEquals(-3f, Rounding.roundHalfAwayFromZero(-2.5f));
        assertEquals(1f, Rounding.roundHalfAwayFromZero(0.5f));
        assertEquals(-1f, Rounding.roundHalfAwayFromZero(-0.5f));
        // The float just below 0.5: adding 0.5 in float would round up to 1; roundf gives 0.
        assertEquals(0f, Rounding.roundHalfAwayFromZero(Math.nextDown(0.5f)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Rounding.roundHalfAwayFromZero(-0.2f)));
        assertEquals(127f, Rounding.roundHalfAwayFromZero(126.5f));
        assertEquals(1e10f, Rounding.roundHalfAwayFromZero(1e10f));
    }

    @Test
    void nearestIntBreaksTiesToEven() {
        assertEquals(2, Rounding.nearestInt(2.5f));
        assertEquals(4, Rounding.nearestInt(3.5f));
        assertEquals(-2, Rounding.nearestInt(-2.5f));
        assertEquals(0, Rounding.nearestInt(-0.5f));
        assertEquals(-127, Rounding.nearestInt(-127.4f));
        assertEquals(4194303, Rounding.nearestInt(4194303f));
        assertEquals(-4194303, Rounding.nearestInt(-4194303f));
    }

    @Test
    void nearestIntAgreesWithRintOverItsRange() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 1_000_000; i++) {
            float x = (float) ((rnd.nextDouble() * 2 - 1) * Math.scalb(1.0, rnd.nextInt(-10, 23)));
            assertEquals((int) Math.rint(x), Rounding.nearestInt(x), "x = " + x);
        }
    }
}
