package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API building blocks of the k-quant fast paths, sized for 512-bit registers (AVX-512).
 *
 * <p>Dequantization decodes 16 codes at a time (a 128-bit byte vector) into 16 floats. Dot products multiply
 * 32 int8 weight codes by 32 int8 activations at a time: both are widened to 16-bit lanes (a product of two
 * 8-bit values fits 16 bits), and the products widened again to two vectors of 16 int lanes, one per 16-weight
 * half, so each half can be multiplied by its own sub-block scale before it is added to an int accumulator.
 */
final class KVectors {

    private KVectors() {
    }

    static ByteVector bytes16(MemorySegment s, long offset) {
        return ByteVector.fromMemorySegment(Simd.B128, s, offset, ByteOrder.LITTLE_ENDIAN);
    }

    static ByteVector bytes32(MemorySegment s, long offset) {
        return ByteVector.fromMemorySegment(Simd.B256, s, offset, ByteOrder.LITTLE_ENDIAN);
    }

    /** 16 signed byte lanes as 16 floats. */
    static FloatVector toFloats(ByteVector codes16) {
        return (FloatVector) codes16.convertShape(VectorOperators.B2F, Simd.F512, 0);
    }

    /** The 32 lane-wise products of two 32-lane byte vectors, as 16-bit lanes. */
    static ShortVector products(ByteVector w32, ByteVector a32) {
        ShortVector w = (ShortVector) w32.convertShape(VectorOperators.B2S, Simd.S512, 0);
        ShortVector a = (ShortVector) a32.convertShape(VectorOperators.B2S, Simd.S512, 0);
        return w.mul(a);
    }

    /** Lanes 0-15 ({@code half} 0) or 16-31 ({@code half} 1) of 32 short lanes, as ints. */
    static IntVector half(ShortVector v, int half) {
        return (IntVector) v.convertShape(VectorOperators.S2I, Simd.I512, half);
    }

    /** Adds {@code Σ w·a} over 32 lanes, all weighted by one {@code scale}, to the lanes of {@code acc}. */
    static IntVector accumulate(IntVector acc, ByteVector w32, ByteVector a32, int scale) {
        ShortVector p = products(w32, a32);
        return acc.add(half(p, 0).add(half(p, 1)).mul(scale));
    }

    /** Adds {@code Σ w·a}, lanes 0-15 weighted by {@code scale0} and 16-31 by {@code scale1}, to {@code acc}. */
    static IntVector accumulate(IntVector acc, ByteVector w32, ByteVector a32, int scale0, int scale1) {
        ShortVector p = products(w32, a32);
        return acc.add(half(p, 0).mul(scale0)).add(half(p, 1).mul(scale1));
    }
}
