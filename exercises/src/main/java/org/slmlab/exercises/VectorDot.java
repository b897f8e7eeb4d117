package org.slmlab.exercises;

import java.lang.foreign.MemorySegment;

/**
 * Exercise 13 (notebook 07-benchmarks): a Vector API dot product over a quantized row, the inner loop of every
 * matrix-vector product the engine runs.
 *
 * <p>Both rows are Q8_0 (exercise 5): blocks of 34 bytes, an fp16 scale then 32 signed bytes. The dot product is
 * {@code Σ over blocks of d_w × d_a × Σ q_w[i] × q_a[i]}, with the inner sum in integers. Use
 * {@code jdk.incubator.vector} (e.g. {@code ByteVector.fromMemorySegment}, a B2I conversion to {@code IntVector},
 * {@code mul}, {@code reduceLanes}); read the scales with
 * {@code Float.float16ToFloat(row.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), offset))}.
 * The graded test checks the result and that the Vector API is used; it reports the speed-up over a scalar loop.
 */
public final class VectorDot {

    private VectorDot() {
    }

    /** The dot product of two Q8_0 rows of {@code n} weights (n a multiple of 32). */
    public static float dotQ8_0(MemorySegment weights, MemorySegment activations, int n) {
        throw new UnsupportedOperationException("TODO exercise 13: Vector API dot product");
    }
}
