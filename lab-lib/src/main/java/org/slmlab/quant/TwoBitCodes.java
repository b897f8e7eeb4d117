package org.slmlab.quant;

import java.lang.foreign.MemorySegment;

/**
 * The 64-byte array of 2-bit codes shared by Q2_K and Q3_K (where they are the low two bits of 3-bit codes).
 *
 * <p>The 256 weights form two halves of 128; in half {@code h}, byte {@code 32h + l} ({@code l < 32}) holds
 * weights {@code 128h + l}, {@code +32}, {@code +64}, {@code +96} in its bit pairs 0-1, 2-3, 4-5, 6-7. So one
 * shift by {@code 2k} of a run of 32 bytes yields 32 consecutive weights, {@code 128h + 32k} onwards — the fast
 * paths decode them that way.
 */
final class TwoBitCodes {

    static final int BYTES = KBlocks.QK_K / 4;

    private TwoBitCodes() {
    }

    /** The 2-bit code of weight {@code i} in the array at {@code qs}. */
    static int code(MemorySegment s, long qs, int i) {
        int shift = 2 * ((i % 128) / 32);
        return KBlocks.u8(s, qs + 32 * (i / 128) + i % 32) >> shift & 3;
    }

    /** Packs 256 codes in [0, 3] into {@code block} at {@code qs}. */
    static void pack(byte[] L, byte[] block, int qs) {
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int i = 128 * h + l;
                block[qs + 32 * h + l] = (byte) (L[i] | L[i + 32] << 2 | L[i + 64] << 4 | L[i + 96] << 6);
            }
        }
    }
}
