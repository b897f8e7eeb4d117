package org.slmlab.quant;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * FP4 (E2M1) weights and the two scale formats that MXFP4 and NVFP4 put in front of them.
 *
 * <p>An E2M1 nibble is sign, 2 exponent bits, 1 mantissa bit: the magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6. ggml
 * stores them doubled, as small integers ({@link #VALUES}), and halves the scale instead — so that the dot product
 * can run on integers. Nibbles 8..15 are the negatives of 0..7.
 */
final class Fp4 {

    /** ggml's kvalues_mxfp4: twice the E2M1 value of each nibble. */
    static final int[] VALUES = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

    private static final IntVector MAGNITUDES = IntVector.fromArray(Lanes.I, VALUES, 0);

    private Fp4() {
    }

    /**
     * Half of the E8M0 scale 2^(e − 127): MXFP4's block scale, halved to undo the doubled {@link #VALUES}.
     * e = 0 and 1 give the subnormals 2^-128 and 2^-127.
     */
    static float e8m0Half(int e) {
        int bits = e < 2 ? 0x00200000 << e : (e - 1) << 23;
        return Float.intBitsToFloat(bits);
    }

    /** The MXFP4 exponent for a block whose largest magnitude is {@code amax}: its max maps near 6 = 2^2·1.5. */
    static int e8m0For(float amax) {
        if (!(amax > 0)) {
            return 0;
        }
        // log2f in ggml; log2 in double rounded to float matches it, including just below powers of two.
        float log2 = (float) (Math.log(amax) / Math.log(2));
        return ((int) (Math.floor(log2) - 2 + 127)) & 0xFF;
    }

    /**
     * Half of an unsigned E4M3 scale (NVFP4): 4 exponent bits (bias 7), 3 mantissa bits, no sign; 0x00 and 0x7F
     * (the NaN pattern) read as 0.
     */
    static float ue4m3Half(int x) {
        if (x == 0 || x == 0x7F) {
            return 0;
        }
        int exp = (x >> 3) & 0xF;
        int man = x & 0x7;
        float raw = exp == 0 ? Math.scalb((float) man, -9) : Math.scalb(1.0f + man / 8.0f, exp - 7);
        return raw * 0.5f;
    }

    /**
     * ggml_fp32_to_ue4m3: rounds half up on the fourth mantissa bit, saturates at 0x7E (448), flushes
     * non-positive and NaN inputs to 0.
     */
    static int toUe4m3(float x) {
        if (!(x > 0)) {
            return 0;
        }
        x = Math.min(x, 448.0f);
        int bits = Float.floatToRawIntBits(x);
        int exp = ((bits >> 23) & 0xFF) - 127 + 7;
        int man = (bits >> 20) & 0x7;
        if (exp <= 0) { // subnormal: man · 2^-9
            int sub = Math.min((int) (x * 512.0f + 0.5f), 7);
            return sub < 1 ? 0 : sub;
        }
        if (exp >= 15) {
            return 0x7E;
        }
        man += (bits >> 19) & 1;
        if (man > 7) {
            man = 0;
            exp++;
            if (exp >= 15) {
                return 0x7E;
            }
        }
        return (exp << 3) | man;
    }

    /** The nibble whose value·d is nearest to x; the lowest nibble wins ties (ggml's best_index_mxfp4). */
    static int nearest(float x, float d) {
        int best = 0;
        float bestErr = Math.abs(VALUES[0] * d - x);
        for (int i = 1; i < 16; i++) {
            float err = Math.abs(VALUES[i] * d - x);
            if (err < bestErr) {
                best = i;
                bestErr = err;
            }
        }
        return best;
    }

    /** Eight nibbles (ints 0..15) to their doubled E2M1 values: table lookup on the magnitude, sign from bit 3. */
    static IntVector values(IntVector nibbles) {
        IntVector magnitude = nibbles.and(7).selectFrom(MAGNITUDES);
        return magnitude.lanewise(VectorOperators.NEG, nibbles.compare(VectorOperators.GE, 8));
    }
}
