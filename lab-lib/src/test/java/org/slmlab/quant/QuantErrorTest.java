package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.TestData.Kind;

class QuantErrorTest {

    @Test
    void metricsOfAKnownError() {
        float[] exact = {3, 4, 0, 0};
        float[] approx = {3, 4, 1, 0};
        QuantError e = QuantError.compare(exact, approx, GgmlType.Q8_0);
        assertEquals(0.5, e.rmse(), 1e-12);                        // sqrt(1/4)
        assertEquals(1.0, e.maxAbsError(), 0);
        assertEquals(10 * Math.log10(25.0), e.snrDb(), 1e-12);     // Σx² = 25, Σe² = 1
        assertEquals(25 / (5 * Math.sqrt(26)), e.cosine(), 1e-12);
        assertEquals(8.5, e.bitsPerWeight(), 0);
        assertEquals(4, e.count());
    }

    @Test
    void exactRoundTripHasInfiniteSnr() {
        float[] x = TestData.floats(Kind.NORMAL, 256, 3);
        QuantError e = QuantError.measure(x, GgmlType.F32);
        assertEquals(0, e.rmse());
        assertEquals(Double.POSITIVE_INFINITY, e.snrDb());
        assertEquals(1.0, e.cosine(), 1e-12);
        assertEquals(1.0, QuantError.measure(new float[64], GgmlType.Q4_0).cosine());
    }

    @Test
    void moreBitsLoseLess() {
        float[] x = TestData.floats(Kind.NORMAL, 4096, 11);
        QuantError q4 = QuantError.measure(x, 1024, GgmlType.Q4_0, null);
        QuantError q5 = QuantError.measure(x, 1024, GgmlType.Q5_0, null);
        QuantError q8 = QuantError.measure(x, 1024, GgmlType.Q8_0, null);
        assertTrue(q4.snrDb() < q5.snrDb() && q5.snrDb() < q8.snrDb(), q4 + "\n" + q5 + "\n" + q8);
        // Each extra bit halves the step: about 6 dB; Q4_0 → Q5_0 is one bit.
        assertEquals(6.0, q5.snrDb() - q4.snrDb(), 1.0);
        assertTrue(q8.cosine() > 0.9999, q8.toString());
    }

    @Test
    void roundTripIsWhatTheCodecReturns() {
        float[] x = TestData.floats(Kind.OUTLIERS, 64, 5);
        float[] y = QuantError.roundTrip(x, 64, GgmlType.Q8_0, null);
        float[] expected = new float[64];
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var seg = TestData.quantized(arena, Codecs.of(GgmlType.Q8_0), x);
            Codecs.of(GgmlType.Q8_0).dequantizeScalar(seg, 0, expected, 0, 64);
        }
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(y));
    }

    @Test
    void rowsMustBeWholeBlocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantError.measure(new float[48], GgmlType.Q4_0));
        assertTrue(e.getMessage().contains("blocks of 32"), e.getMessage());
    }
}
