package org.slmlab.quant;

/**
 * bfloat16 ("brain float"): the upper half of a float — 1 sign bit, 8 exponent bits, 7 mantissa bits — converted
 * exactly as ggml's {@code GGML_FP32_TO_BF16} / {@code GGML_BF16_TO_FP32}.
 *
 * <p>bf16 keeps float's whole exponent range, so nothing overflows or underflows that was finite before; it
 * only drops 16 mantissa bits. ggml rounds to nearest, ties to even, by adding {@code 0x7fff} plus the lowest
 * kept bit before truncating; subnormals are rounded like any other value (not flushed). A NaN keeps its top
 * bits and is forced quiet (bit 6 of the bf16 set), so rounding can never turn it into infinity.
 */
public final class Bf16 {

    private Bf16() {
    }

    /** The float value of bf16 bits {@code h}; exact. */
    public static float toFloat(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    /** {@code f} rounded to bf16 as ggml does. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        int lowestKeptBit = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lowestKeptBit) >>> 16);
    }
}
