package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class Bf16Test {

    private static short bf16(float f) {
        return Bf16.fromFloat(f);
    }

    @Test
    void roundsToNearestTiesToEven() {
        // 1 + 2^-8 lies halfway between bf16 neighbours 1 and 1 + 2^-7: the tie goes to the even mantissa (1).
        assertEquals((short) 0x3F80, bf16(1 + 0x1p-8f));
        // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up.
        assertEquals((short) 0x3F82, bf16(1 + 3 * 0x1p-8f));
        assertEquals((short) 0x3F81, bf16(Math.nextUp(1 + 0x1p-8f)));
        assertEquals((short) 0xBF80, bf16(-1 - 0x1p-8f));
    }

    @Test
    void keepsSubnormalsInfinityAndSignedZero() {
        assertEquals((short) 0x0001, bf16(Float.intBitsToFloat(0x00010000)));
        assertEquals((short) 0x0001, bf16(Float.intBitsToFloat(0x00008001)));
        assertEquals((short) 0x7F80, bf16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0x8000, bf16(-0f));
        // The largest finite float rounds up to infinity, as in IEEE.
        assertEquals((short) 0x7F80, bf16(Float.MAX_VALUE));
    }

    @Test
    void nanStaysNanAndBecomesQuiet() {
        float signalling = Float.intBitsToFloat(0x7F800001);
        short h = bf16(signalling);
        assertEquals((short) 0x7FC0, h);
        assertEquals(true, Float.isNaN(Bf16.toFloat(h)));
        // A NaN whose rounding would carry into the exponent must not become infinity.
        assertEquals((short) 0x7FFF, bf16(Float.intBitsToFloat(0x7FFFFFFF)));
    }

    @Test
    void everyBf16SurvivesTheRoundTrip() {
        for (int h = 0; h < 65536; h++) {
            float f = Bf16.toFloat((short) h);
            assertEquals(h << 16, Float.floatToRawIntBits(f));
            if (!Float.isNaN(f)) {
                assertEquals((short) h, bf16(f));
            }
        }
    }
}
