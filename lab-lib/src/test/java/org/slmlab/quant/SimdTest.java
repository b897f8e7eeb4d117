package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link Simd#sum} adds a vector's lanes in its documented order, bit for bit, before and after the JIT compiles
 * it: 20,000 calls per shape, so C2 takes over part way through (reduceLanes(ADD) changes its result there).
 */
class SimdTest {

    /** The documented order, written out on an array: halve until four lanes, then (l0 + l2) + (l1 + l3). */
    private static float inOrder(float[] lanes) {
        float[] v = lanes.clone();
        for (int n = v.length / 2; n >= 4; n /= 2) {
            for (int i = 0; i < n; i++) {
                v[i] = v[i] + v[i + n];
            }
        }
        return (v[0] + v[2]) + (v[1] + v[3]);
    }

    @Test
    void sumsTheLanesInItsOneOrderColdAndCompiled() {
        for (VectorSpecies<Float> species : java.util.List.of(FloatVector.SPECIES_512)) {
            SplittableRandom r = new SplittableRandom(species.length());
            float[] lanes = new float[species.length()];
            for (int call = 0; call < 20_000; call++) {
                for (int i = 0; i < lanes.length; i++) {
                    // magnitudes from 1e-3 to 1e3, so the order of the additions shows in the last bits
                    lanes[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
                }
                float expected = inOrder(lanes);
                float got = Simd.sum(FloatVector.fromArray(species, lanes, 0));
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got),
                        species + " call " + call + ": " + expected + " vs " + got);
            }
        }
    }
}
