package org.slmlab.exercises;

/**
 * Exercise 4 (notebook 03-quantization-schemes): the 16-bit floats every ggml block uses for its scales.
 *
 * <p>fp16 (IEEE half): 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits. Exponent 0 means a subnormal
 * ({@code mantissa × 2^-24}), exponent 31 infinity (mantissa 0) or NaN. bf16: the top 16 bits of a float (1 sign,
 * 8 exponent, 7 mantissa bits). Both conversions from float round to the nearest value, ties to even.
 */
public final class HalfPrecision {

    private HalfPrecision() {
    }

    /** The fp16 bits nearest to {@code f} (ties to even); too large: infinity; NaN: {@code 0x7E00} with f's sign. */
    public static short floatToHalf(float f) {
        throw new UnsupportedOperationException("TODO exercise 4: float to fp16");
    }

    /**
     * The exact float value of fp16 bits {@code h}. A NaN becomes a quiet float NaN: its 10 payload bits move to the
     * top of the float mantissa and the quiet bit (bit 22) is set, as the x86 conversion instruction does.
     */
    public static float halfToFloat(short h) {
        throw new UnsupportedOperationException("TODO exercise 4: fp16 to float");
    }

    /** The bf16 bits nearest to {@code f} (ties to even); a NaN stays a NaN (set bit 6 of the result). */
    public static short floatToBf16(float f) {
        throw new UnsupportedOperationException("TODO exercise 4: float to bf16");
    }

    /** The exact float value of bf16 bits {@code h}. */
    public static float bf16ToFloat(short h) {
        throw new UnsupportedOperationException("TODO exercise 4: bf16 to float");
    }
}
