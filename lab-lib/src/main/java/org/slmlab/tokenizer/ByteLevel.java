package org.slmlab.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-to-character table, which lets a BPE vocabulary of printable strings cover every byte sequence.
 *
 * <p>Byte-level BPE works on the UTF-8 bytes of the text, but its vocabulary and merges are stored as text. So each
 * of the 256 byte values gets a visible stand-in character: the printable Latin-1 bytes ({@code !}..{@code ~},
 * {@code ¡}..{@code ¬}, {@code ®}..{@code ÿ}) stand for themselves, and the other 68 (controls, space, DEL,
 * no-break space, soft hyphen, …) are moved up to U+0100, U+0101, … in byte order. That is why GPT-2 style
 * vocabularies are full of {@code Ġ} (U+0120, the stand-in for a space) and {@code Ċ} (U+010A, newline).
 */
public final class ByteLevel {

    /** Stand-in character of each byte value. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Byte value of each stand-in character, or -1; indexed by char (all stand-ins are below U+0144). */
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The stand-in character of one byte. */
    public static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The UTF-8 bytes of {@code text}, each replaced by its stand-in character. */
    public static String encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(out);
    }

    /** The byte a stand-in code point represents, or -1 if {@code cp} is not one. */
    public static int decode(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }
}
