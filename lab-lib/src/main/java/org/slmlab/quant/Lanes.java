package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Eight-lane building blocks for the fast paths of the sub-byte codecs (ternary, FP4, 1- and 2-bit).
 *
 * <p>Why eight lanes: every block layout these codecs read comes in groups of 8 (8 bits of a byte, half of a
 * 16-weight NVFP4 sub-block, a quarter of a Q8_0 block), and 256-bit registers exist on every AVX2 and AVX-512
 * machine. A weight's code is decoded into an {@link IntVector} lane; dequantize converts the lanes to float and
 * multiplies by the block scale, dot multiplies them by the activation's int8 values — one decoder serves both.
 */
final class Lanes {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    static final int N = 8;

    private Lanes() {
    }

    /** Eight bytes at {@code off}, sign-extended (int8 activations). */
    static IntVector signedBytes(MemorySegment seg, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B, seg, off, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2I, I, 0);
    }

    /** Eight bytes at {@code off} as 0..255 (packed codes). */
    static IntVector unsignedBytes(MemorySegment seg, long off) {
        return signedBytes(seg, off).and(0xFF);
    }

    /** {@code dst[off..off+8) = codes * scale}: the same single float multiply as the scalar references. */
    static void storeScaled(IntVector codes, float scale, float[] dst, int off) {
        ((FloatVector) codes.convertShape(VectorOperators.I2F, F, 0)).mul(scale).intoArray(dst, off);
    }

    /** Σ codes·activation over eight lanes, as an int vector to be reduced once per activation block. */
    static IntVector mulActivation(IntVector codes, MemorySegment act, long off) {
        return codes.mul(signedBytes(act, off));
    }
}
