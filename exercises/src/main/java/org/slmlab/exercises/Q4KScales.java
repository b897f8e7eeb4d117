package org.slmlab.exercises;

/**
 * Exercise 7 (notebook 03-quantization-schemes): the packed scales of a Q4_K super-block.
 *
 * <p>A Q4_K super-block holds 256 weights in 144 bytes: {@code d} and {@code dmin} (fp16), 12 bytes of scales, 128
 * bytes of 4-bit codes. The 256 weights form 8 sub-blocks of 32; sub-block j has a 6-bit scale {@code sc[j]} and a
 * 6-bit min {@code m[j]}, and weight = {@code d × sc[j] × code − dmin × m[j]}. Sixteen 6-bit numbers fit in 12
 * bytes ({@code q[0..11]}) like this:
 * <pre>
 *   j &lt; 4:  sc[j] = low 6 bits of q[j]            m[j] = low 6 bits of q[j + 4]
 *   j ≥ 4:  sc[j] = low 4 bits of q[j + 4]        m[j] = high 4 bits of q[j + 4]
 *           | (top 2 bits of q[j − 4]) &lt;&lt; 4       | (top 2 bits of q[j]) &lt;&lt; 4
 * </pre>
 * Remember that Java's {@code byte} is signed: {@code q[i] & 0xFF} gives the unsigned value.
 */
public final class Q4KScales {

    private Q4KScales() {
    }

    /** The 8 sub-block scales packed in {@code q[0..12)}. */
    public static int[] scales(byte[] q) {
        throw new UnsupportedOperationException("TODO exercise 7: unpack the scales");
    }

    /** The 8 sub-block mins packed in {@code q[0..12)}. */
    public static int[] mins(byte[] q) {
        throw new UnsupportedOperationException("TODO exercise 7: unpack the mins");
    }
}
