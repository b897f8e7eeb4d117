package org.slmlab.exercises;

/**
 * Exercise 6 (notebook 03-quantization-schemes): one Q4_0 block, with its nibbles exactly where ggml puts them.
 *
 * <p>A Q4_0 block holds 32 weights in 18 bytes: a scale {@code d} as fp16 (little-endian), then 16 bytes of 4-bit
 * codes. Weight j (j &lt; 16) is the LOW nibble of byte j, weight j + 16 the HIGH nibble of byte j; weight
 * {@code = d × (code − 8)}. ggml takes the weight {@code m} with the largest magnitude (keeping its sign), sets
 * {@code d = m / −8} and {@code code = min(15, (int) (x / d + 8.5))} (computed as {@code x × (1/d) + 8.5f} in
 * float, then truncated), so that m itself lands on code 0 exactly.
 */
public final class Q4_0Block {

    private Q4_0Block() {
    }

    /** The 18 bytes of the block holding {@code x[0..32)}. */
    public static byte[] quantize(float[] x) {
        throw new UnsupportedOperationException("TODO exercise 6: quantize a Q4_0 block");
    }

    /** The 32 weights stored in an 18-byte block. */
    public static float[] dequantize(byte[] block) {
        throw new UnsupportedOperationException("TODO exercise 6: dequantize a Q4_0 block");
    }
}
