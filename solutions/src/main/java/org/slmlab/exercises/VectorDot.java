package org.slmlab.exercises;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Exercise 13, solved: 16 bytes at a time widened to 16 ints, multiplied and summed in integers. */
public final class VectorDot {

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;
    private static final ValueLayout.OfShort FP16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private VectorDot() {
    }

    public static float dotQ8_0(MemorySegment weights, MemorySegment activations, int n) {
        float sum = 0;
        for (long block = 0; block < n / 32; block++) {
            long at = block * 34;
            float d = Float.float16ToFloat(weights.get(FP16, at)) * Float.float16ToFloat(activations.get(FP16, at));
            IntVector acc = IntVector.zero(INTS);
            for (int half = 0; half < 32; half += 16) {
                IntVector w = (IntVector) ByteVector.fromMemorySegment(BYTES, weights, at + 2 + half, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2I, INTS, 0);
                IntVector a = (IntVector) ByteVector.fromMemorySegment(BYTES, activations, at + 2 + half, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2I, INTS, 0);
                acc = acc.add(w.mul(a));
            }
            sum += d * acc.reduceLanes(VectorOperators.ADD);
        }
        return sum;
    }
}
