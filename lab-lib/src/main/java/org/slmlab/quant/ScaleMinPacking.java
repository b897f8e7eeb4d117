package org.slmlab.quant;

import java.lang.foreign.MemorySegment;

/**
 * The 12-byte field of Q4_K and Q5_K that holds eight 6-bit sub-block scales and eight 6-bit sub-block mins.
 *
 * <p>Bytes 0-3 hold scales 0-3 in their low six bits, bytes 4-7 mins 0-3 the same way. Scales and mins 4-7
 * are split: their low four bits are the low and high nibble of bytes 8-11 (scale j in the low nibble of byte
 * j+4, min j in the high nibble), and their top two bits sit in the spare top bits of bytes j-4 (scale) and j
 * (min). 16 values × 6 bits = 96 bits = 12 bytes, nothing wasted.
 */
final class ScaleMinPacking {

    static final int BYTES = 12;

    private ScaleMinPacking() {
    }

    /** Scale of sub-block {@code j} (0-7); {@code field} is the offset of the 12-byte field. */
    static int scale(MemorySegment s, long field, int j) {
        if (j < 4) {
            return KBlocks.u8(s, field + j) & 63;
        }
        return (KBlocks.u8(s, field + j + 4) & 0xF) | ((KBlocks.u8(s, field + j - 4) >> 6) << 4);
    }

    /** Min of sub-block {@code j} (0-7). */
    static int min(MemorySegment s, long field, int j) {
        if (j < 4) {
            return KBlocks.u8(s, field + j + 4) & 63;
        }
        return (KBlocks.u8(s, field + j + 4) >> 4) | ((KBlocks.u8(s, field + j) >> 6) << 4);
    }

    /**
     * Packs scale {@code ls} and min {@code lm} of sub-block j. Sub-blocks must be packed in order 0-7: 4-7 add their
     * top bits to bytes written by 0-3. Codes above 63 are stored as ggml stores
     * them (truncated to a byte, so they spill into the neighbouring bits).
     */
    static void pack(byte[] block, int field, int j, int ls, int lm) {
        if (j < 4) {
            block[field + j] = (byte) ls;
            block[field + j + 4] = (byte) lm;
        } else {
            block[field + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
            block[field + j - 4] |= (byte) ((ls >> 4) << 6);
            block[field + j] |= (byte) ((lm >> 4) << 6);
        }
    }
}
