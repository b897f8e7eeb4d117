package org.slmlab.exercises;

/**
 * Exercise 5 (notebook 03-quantization-schemes): one Q8_0 block, byte for byte as ggml stores it.
 *
 * <p>A Q8_0 block holds 32 weights in 34 bytes: a scale {@code d} as fp16 (2 bytes, little-endian), then 32 signed
 * bytes {@code q[i]}; weight i is {@code d × q[i]}. ggml picks {@code d = max|x| / 127} and
 * {@code q[i] = round(x[i] / d)}, rounding halves away from zero ({@link Math#round} does not: it rounds -2.5 to
 * -2) — and it multiplies by {@code 1/d} rather than dividing, which can change the last bit. A block of zeros
 * has d = 0 and all q = 0. Exercise 4's {@code HalfPrecision} converts the scale.
 */
public final class Q8_0Block {

    private Q8_0Block() {
    }

    /** The 34 bytes of the block holding {@code x[0..32)}. */
    public static byte[] quantize(float[] x) {
        throw new UnsupportedOperationException("TODO exercise 5: quantize a Q8_0 block");
    }

    /** The 32 weights stored in a 34-byte block. */
    public static float[] dequantize(byte[] block) {
        throw new UnsupportedOperationException("TODO exercise 5: dequantize a Q8_0 block");
    }
}
