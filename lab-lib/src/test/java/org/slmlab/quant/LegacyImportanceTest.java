package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.TestData.Kind;

/**
 * The importance-matrix quantizers of Q4_0, Q4_1, Q5_0 and Q5_1 ({@code quantize_row_*_impl}). The reference data
 * has no imatrix file for these types, so they are checked by what they are for: on every kind of row, the
 * importance-weighted squared error of the round trip must not exceed the plain quantizer's, which ignores the
 * importance (both solve the same problem; the weighted one searches scales against exactly this error).
 */
class LegacyImportanceTest {

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void weightedQuantizerLosesLessWhereItMatters(GgmlType type) {
        int n = 1024;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] importance = new float[n];
        for (int j = 0; j < n; j++) {
            importance[j] = (float) Math.exp(3 * rnd.nextDouble()); // 1 .. 20: some columns matter much more
        }
        for (Kind kind : new Kind[] {Kind.NORMAL, Kind.UNIFORM, Kind.OUTLIERS, Kind.ZEROS, Kind.SMALL}) {
            float[] x = TestData.floats(kind, n, kind.ordinal());
            double plain = weightedError(x, QuantError.roundTrip(x, n, type, null), x, importance);
            double weighted = weightedError(x, QuantError.roundTrip(x, n, type, importance), x, importance);
            assertTrue(weighted <= plain, type + " " + kind + ": weighted quantizer error " + weighted
                    + " > plain " + plain);
            assertTrue(weighted > 0, type + " " + kind + ": a 4/5-bit round trip cannot be exact");
        }
    }

    /** Σ importance[j]·(σ²+x[j]²)·(x[j]−y[j])²: the error the weighted quantizer minimises. */
    private static double weightedError(float[] x, float[] y, float[] row, float[] importance) {
        double sigma2 = 0;
        for (float v : row) {
            sigma2 += (double) v * v;
        }
        sigma2 /= row.length;
        double e = 0;
        for (int j = 0; j < x.length; j++) {
            double d = x[j] - y[j];
            e += importance[j] * Math.sqrt(sigma2 + (double) x[j] * x[j]) * d * d;
        }
        return e;
    }
}
