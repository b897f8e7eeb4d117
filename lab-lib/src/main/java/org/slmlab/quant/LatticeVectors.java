package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API building blocks of the I-quant fast paths: one lattice point times a scale with its signs
 * (dequantize), and one lattice point dotted with 8 or 4 int8 activations (dot product).
 *
 * <p>A group of the I-quants is 8 weights (or 4 for the 3-bit grids), so these work on 256-bit (or 128-bit)
 * vectors; the points are read from the codebook's float/int copies, so nothing is allocated per call. Each
 * method computes exactly what its scalar reference in the codec computes, in the same order per element, so
 * results are bit-identical.
 */
final class LatticeVectors {

    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;

    private LatticeVectors() {
    }

    /** {@code dst[off + j] = scale · point[j] · (±1 by sign bit j)} for an 8-coordinate point. */
    static void dequantize8(LatticeCodebook book, int point, float scale, int signs, float[] dst, int off) {
        FloatVector.fromArray(F256, book.pointsAsFloats(), 8 * point)
                .mul(scale)
                .mul(IqSigns.floatFactors(signs))
                .intoArray(dst, off);
    }

    /**
     * The same for a group of two 4-coordinate points: {@code first} takes sign bits 0..3 and fills
     * {@code dst[off .. off+3]}, {@code second} takes bits 4..7 and fills {@code dst[off+4 .. off+7]}.
     */
    static void dequantizePair4(LatticeCodebook book, int first, int second, float scale, int signs, float[] dst,
            int off) {
        float[] points = book.pointsAsFloats();
        FloatVector.fromArray(F128, points, 4 * first).mul(scale).mul(IqSigns.floatFactors4(signs, 0))
                .intoArray(dst, off);
        FloatVector.fromArray(F128, points, 4 * second).mul(scale).mul(IqSigns.floatFactors4(signs, 4))
                .intoArray(dst, off + 4);
    }

    /** {@code dst[off + j] = scale · (point[j] + delta)} for an 8-coordinate ternary point (IQ1_S, IQ1_M). */
    static void dequantizeShifted8(LatticeCodebook book, int point, float scale, float delta, float[] dst, int off) {
        FloatVector.fromArray(F256, book.pointsAsFloats(), 8 * point).add(delta).mul(scale).intoArray(dst, off);
    }

    /** Σ_j point[j] · (±1 by sign bit j) · q8[j] over the 8 int8 activations at {@code q8}. */
    static int dot8(LatticeCodebook book, int point, int signs, MemorySegment act, long q8) {
        IntVector a = (IntVector) ByteVector.fromMemorySegment(B64, act, q8, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2I, I256, 0);
        return IntVector.fromArray(I256, book.pointsAsInts(), 8 * point)
                .mul(IqSigns.intFactors(signs))
                .mul(a)
                .reduceLanes(VectorOperators.ADD);
    }

    /** {@link #dot8} for a group of two 4-coordinate points, as in {@link #dequantizePair4}. */
    static int dotPair4(LatticeCodebook book, int first, int second, int signs, MemorySegment act, long q8) {
        ByteVector a = ByteVector.fromMemorySegment(B64, act, q8, ByteOrder.LITTLE_ENDIAN);
        int[] points = book.pointsAsInts();
        IntVector low = IntVector.fromArray(I128, points, 4 * first)
                .mul(IqSigns.intFactors4(signs, 0))
                .mul((IntVector) a.convertShape(VectorOperators.B2I, I128, 0));
        IntVector high = IntVector.fromArray(I128, points, 4 * second)
                .mul(IqSigns.intFactors4(signs, 4))
                .mul((IntVector) a.convertShape(VectorOperators.B2I, I128, 1));
        return low.add(high).reduceLanes(VectorOperators.ADD);
    }

    /** Σ_j q8[j] over the 8 int8 activations at {@code q8}. */
    static int sum8(MemorySegment act, long q8) {
        return ((IntVector) ByteVector.fromMemorySegment(B64, act, q8, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2I, I256, 0)).reduceLanes(VectorOperators.ADD);
    }

    /** Σ_j point[j] · q8[j] over the 8 int8 activations at {@code q8}, no signs (IQ1_S, IQ1_M). */
    static int dotUnsigned8(LatticeCodebook book, int point, MemorySegment act, long q8) {
        IntVector a = (IntVector) ByteVector.fromMemorySegment(B64, act, q8, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2I, I256, 0);
        return IntVector.fromArray(I256, book.pointsAsInts(), 8 * point).mul(a).reduceLanes(VectorOperators.ADD);
    }
}
