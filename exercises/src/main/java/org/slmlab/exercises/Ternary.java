package org.slmlab.exercises;

/**
 * Exercise 8 (notebook 08-bitnet-and-ternary): BitNet b1.58's absmean ternarization, and ggml's TQ2_0 packing.
 *
 * <p>Absmean: {@code γ = max(mean|W|, 1e-5)}; each weight becomes {@code clamp(rint(W / γ), −1, 1)}
 * ({@link Math#rint} rounds halves to even, as BitNet's reference code does).
 *
 * <p>TQ2_0 stores 256 ternary weights in 66 bytes: 64 bytes of 2-bit codes ({@code code = trit + 1}), then the
 * scale as fp16 (little-endian, exercise 4). The codes are NOT in plain order: the block is two halves of 128
 * weights, and in half {@code h}, byte {@code 32h + m} holds weights {@code 128h + 32l + m} for {@code l = 0..3},
 * weight {@code 128h + 32l + m} in bits {@code 2l} and {@code 2l+1}.
 */
public final class Ternary {

    private Ternary() {
    }

    /** γ, the mean absolute weight (at least 1e-5). */
    public static float scale(float[] w) {
        throw new UnsupportedOperationException("TODO exercise 8: the absmean scale");
    }

    /** The ternary codes −1, 0, +1 of {@code w}. */
    public static byte[] ternarize(float[] w) {
        throw new UnsupportedOperationException("TODO exercise 8: ternarize");
    }

    /** One TQ2_0 block (66 bytes) of 256 ternary codes and their scale. */
    public static byte[] packTq2_0(byte[] trits, float scale) {
        throw new UnsupportedOperationException("TODO exercise 8: TQ2_0 packing");
    }
}
