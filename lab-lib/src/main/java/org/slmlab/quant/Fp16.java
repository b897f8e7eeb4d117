package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.LittleEndian;

/**
 * IEEE 754 half precision (fp16), converted exactly as ggml does: {@code GGML_FP32_TO_FP16} and
 * {@code GGML_FP16_TO_FP32}.
 *
 * <p>fp16 has 1 sign bit, 5 exponent bits (bias 15) and 10 mantissa bits: the largest finite value is 65504,
 * the smallest normal 2^-14, and subnormals reach down to 2^-24. Every quantized ggml block stores its scale
 * this way.
 *
 * <p>float → fp16 rounds to the nearest representable value, ties to even; values beyond 65520 become
 * infinity, values too small for a subnormal become (signed) zero. NaN becomes the canonical quiet NaN
 * {@code 0x7E00} with the input's sign, as ggml's portable C conversion does (x86 F16C hardware would keep
 * some payload bits instead; no reference data contains NaN). fp16 → float is exact for every one of the
 * 65536 bit patterns.
 */
public final class Fp16 {

    private static final short QUIET_NAN = 0x7E00;

    private Fp16() {
    }

    /** The float value of fp16 bits {@code h}; exact. */
    public static float toFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** {@code f} rounded to fp16 (round to nearest, ties to even), as ggml's {@code GGML_FP32_TO_FP16}. */
    public static short fromFloat(float f) {
        if (Float.isNaN(f)) {
            int sign = (Float.floatToRawIntBits(f) >>> 16) & 0x8000;
            return (short) (sign | QUIET_NAN);
        }
        // The JDK conversion is specified as IEEE round-to-nearest-even, with overflow to infinity and
        // gradual underflow: the same result as ggml's bit-twiddling version for every non-NaN input
        // (Fp16Test checks this against an independent implementation of ggml's algorithm).
        return Float.floatToFloat16(f);
    }

    /** The fp16 field at {@code offset} (most blocks' scale), as a float. */
    public static float read(MemorySegment s, long offset) {
        return toFloat(s.get(LittleEndian.SHORT, offset));
    }

    /** Stores {@code value} rounded to fp16 at {@code offset}. */
    public static void write(MemorySegment s, long offset, float value) {
        s.set(LittleEndian.SHORT, offset, fromFloat(value));
    }

    /** {@code f} rounded to the nearest fp16 value and back: what storing it in a block keeps. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
