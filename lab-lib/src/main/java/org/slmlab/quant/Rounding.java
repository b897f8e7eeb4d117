package org.slmlab.quant;

/**
 * The float-to-integer roundings ggml's quantizers use. They differ in how they break ties (x.5), and a
 * quantizer is only byte-identical with ggml if it uses the same one at the same place.
 */
public final class Rounding {

    /** 1.5 · 2^23: adding it pushes a float's fraction bits out of the 23-bit mantissa. */
    private static final float MAGIC = 12582912f;

    private Rounding() {
    }

    /**
     * C's {@code roundf}: to the nearest integer, ties away from zero (2.5 → 3, −2.5 → −3). Used by the Q8_0 and
     * Q8_1 quantizers. Java's {@code Math.round} breaks ties upwards instead (−2.5 → −2), so it is not used.
     */
    public static float roundHalfAwayFromZero(float x) {
        // In double, |x| + 0.5 is exact for every float below 2^29, and larger floats are already integers.
        double r = Math.floor(Math.abs((double) x) + 0.5);
        return (float) Math.copySign(r, x);
    }

    /**
     * ggml's {@code nearest_int}: to the nearest integer, ties to even (2.5 → 2, 3.5 → 4), computed with the
     * "magic number" trick — adding 1.5·2^23 makes the float hardware round away the fraction, and the integer
     * then sits in the low mantissa bits. Exact for |x| ≤ 4194303 (ggml asserts that bound); used by Q8_K and the
     * K-quant quantizers.
     */
    public static int nearestInt(float x) {
        float shifted = x + MAGIC;
        int bits = Float.floatToRawIntBits(shifted);
        return (bits & 0x007fffff) - 0x00400000;
    }
}
