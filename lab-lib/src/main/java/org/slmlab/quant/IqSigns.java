package org.slmlab.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The signs of a group of 8 weights in the I-quants: bit {@code j} set means weight {@code j} is negative.
 *
 * <p>IQ2_XXS, IQ2_XS and IQ3_XXS store only 7 of the 8 sign bits: their quantizer makes the number of negative
 * weights in a group even (flipping the sign of the least important weight if needed), so the 8th bit is the
 * parity of the other seven. ggml tabulates this as {@code ksigns_iq2xs} (ggml-common.h); here the table is
 * computed from that rule, which is all it contains.
 */
final class IqSigns {

    private static final byte[] FROM_SEVEN_BITS = new byte[128];

    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;

    /** For the vector paths: the 8 factors ±1 of each sign byte, byte {@code s} from index {@code 8·s}. */
    private static final float[] FLOAT_FACTORS = new float[256 * 8];
    private static final int[] INT_FACTORS = new int[256 * 8];

    static {
        for (int s = 0; s < 128; s++) {
            FROM_SEVEN_BITS[s] = (byte) (s | (Integer.bitCount(s) & 1) << 7);
        }
        for (int s = 0; s < 256; s++) {
            for (int j = 0; j < 8; j++) {
                boolean negative = (s >> j & 1) != 0;
                FLOAT_FACTORS[8 * s + j] = negative ? -1f : 1f;
                INT_FACTORS[8 * s + j] = negative ? -1 : 1;
            }
        }
    }

    private IqSigns() {
    }

    /** The 8 sign bits of a group whose stored 7 bits are {@code sevenBits} (0..127). */
    static int fromSevenBits(int sevenBits) {
        return FROM_SEVEN_BITS[sevenBits] & 0xFF;
    }

    /** Whether sign byte {@code signs} makes weight {@code j} (0..7) negative. */
    static boolean negative(int signs, int j) {
        return (signs >> j & 1) != 0;
    }

    /** The 8 factors ±1 of sign byte {@code signs} as a float vector. */
    static FloatVector floatFactors(int signs) {
        return FloatVector.fromArray(F256, FLOAT_FACTORS, 8 * signs);
    }

    /** Factors {@code first .. first + 3} (first = 0 or 4) of sign byte {@code signs} as a float vector. */
    static FloatVector floatFactors4(int signs, int first) {
        return FloatVector.fromArray(F128, FLOAT_FACTORS, 8 * signs + first);
    }

    /** Factors {@code first .. first + 3} (first = 0 or 4) of sign byte {@code signs} as an int vector. */
    static IntVector intFactors4(int signs, int first) {
        return IntVector.fromArray(I128, INT_FACTORS, 8 * signs + first);
    }

    /** The 8 factors ±1 of sign byte {@code signs} as an int vector. */
    static IntVector intFactors(int signs) {
        return IntVector.fromArray(I256, INT_FACTORS, 8 * signs);
    }
}
