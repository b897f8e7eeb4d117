package org.slmlab.quant;

import java.lang.foreign.MemorySegment;

/**
 * The 64-byte array of 2-bit codes shared by Q2_K and Q3_K (where they are the low two bits of 3-bit codes).
 *
 * <p>The 256 weights form two halves of 128; in half {@code h}, byte {@code 32h + l} ({@code l < 32}) holds
 * weights {@code 128h + l}, {@code +32}, {@code +64}, {@code +96} in its bit pairs 0-1, 2-3, 4-5, 6-7. So one
 * shift by {@code 2k} of a run of 32 bytes yields 32 consecutive weights, {@code 128h + 32k} onwards — the fast
 * paths decode them that way.
 *
 * <p>TQ2_0's single-token kernel reads the same 64 bytes another way ({@link #weightInShortLane}): as 32 short
 * lanes, lane {@code k} holding bytes {@code 2k} and {@code 2k + 1}. A shift right by {@code 2p} and a mask then
 * leave a code in every lane at once, with no widening (on x86 every widening is a shuffle, and shuffles queue
 * for one execution port) — the activations are laid out once per row to meet them there.
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

    /**
     * The weight whose code sits in bits {@code 2p, 2p + 1} ({@code p < 8}) of short lane {@code k} ({@code k < 32})
     * when the 64 code bytes are read as little-endian shorts: byte {@code 2k + p/4}, bit pair {@code p % 4}.
     */
    static int weightInShortLane(int p, int k) {
        int b = 2 * k + p / 4;
        return 128 * (b / 32) + 32 * (p % 4) + b % 32;
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
