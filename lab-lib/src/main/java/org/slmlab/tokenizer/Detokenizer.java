package org.slmlab.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns token ids back into bytes, as llama.cpp's {@code token_to_piece} and {@code detokenize} do.
 *
 * <p>Each token has a piece: SentencePiece tokens show {@code ▁} as a space, GPT-2 style tokens map their stand-in
 * characters back to bytes ({@link ByteLevel}), byte tokens {@code <0xNN>} are one byte, and control tokens are
 * their text or nothing. Pieces are bytes, not text: a multi-byte character can be split across tokens, so only
 * the concatenation of pieces is valid UTF-8.
 */
final class Detokenizer {

    private static final int SPECIAL = TokenAttributes.UNKNOWN | TokenAttributes.CONTROL;

    private final Vocabulary vocab;
    /** The piece of every token as llama.cpp caches it (with special tokens rendered as their text). */
    private final byte[][] pieces;

    Detokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = renderPiece(id);
        }
    }

    private byte[] renderPiece(int id) {
        int attr = vocab.attributes(id);
        String text = vocab.text(id);
        if ((attr & (SPECIAL | TokenAttributes.USER_DEFINED)) != 0) {
            return utf8(text);
        }
        if ((attr & TokenAttributes.NORMAL) != 0) {
            return vocab.model() == Vocabulary.Model.SENTENCEPIECE ? utf8(text.replace('▁', ' ')) : byteLevelDecode(text);
        }
        if ((attr & TokenAttributes.BYTE) != 0) {
            return new byte[] {(byte) byteValue(text)};
        }
        return new byte[0]; // unused and undefined tokens render as nothing
    }

    /** The byte of a byte token {@code <0xNN>}: the two hex digits at offset 3 (0 if they are not hex). */
    private static int byteValue(String text) {
        try {
            return text.length() >= 5 ? Integer.parseInt(text.substring(3, 5), 16) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A GPT-2 style token text back to bytes; a character that is no stand-in is shown as llama.cpp shows it. */
    private static byte[] byteLevelDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder unk = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : utf8(Character.toString(cp))) {
                    unk.append(String.format("%02x", u & 0xFF));
                }
                out.writeBytes(utf8(unk.append(text).append(']').toString()));
            }
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The piece of one token; with {@code special} false, control and unknown tokens give nothing. */
    byte[] piece(int id, boolean special) {
        if (!special && vocab.has(id, SPECIAL)) {
            return new byte[0];
        }
        return pieces[id].clone();
    }

    /**
     * The bytes of a token sequence (llama.cpp {@code llama_detokenize}).
     *
     * @param removeSpecial  drop a leading BOS and trailing EOS when the vocabulary adds them
     * @param unparseSpecial render control tokens as their text instead of nothing
     */
    byte[] detokenize(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        int from = 0;
        int to = ids.length;
        // SentencePiece put a space in front of the text; the first piece gives it back.
        boolean removeSpace = vocab.addSpacePrefix();
        if (removeSpecial && vocab.addBos() && to > from && ids[from] == vocab.bos()) {
            removeSpace = false;
            from++;
        }
        if (removeSpecial && vocab.addEos() && to > from && ids[to - 1] == vocab.eos()) {
            to--;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            vocab.attributes(ids[i]); // rejects an id outside the vocabulary
            byte[] p = piece(ids[i], unparseSpecial);
            int skip = removeSpace && p.length > 0 && p[0] == ' ' ? 1 : 0;
            out.write(p, skip, p.length - skip);
            removeSpace = false;
        }
        byte[] text = out.toByteArray();
        return vocab.cleanSpaces() ? cleanUpSpaces(text) : text;
    }

    /**
     * The "clean up tokenization spaces" of Hugging Face tokenizers, byte for byte as llama.cpp does it in three
     * passes over the buffer: drop the space before {@code ? ! . ,}; turn {@code " ' "} into {@code "'"}; and drop
     * the space before {@code 's 'm 're 've} (but not {@code 't 'd 'll}).
     */
    static byte[] cleanUpSpaces(byte[] text) {
        int total = text.length;
        // pass 1: " ?", " !", " .", " ,"
        int n = total;
        total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                total--;
            }
            text[total++] = x;
        }
        // pass 2: a single apostrophe between spaces (the buffer is edited in place, as in llama.cpp)
        n = total;
        total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = text[i];
            if (x == '\'' && i + 1 < n && text[i - 1] == ' ' && text[i + 1] == ' ') {
                total--;
                text[++i] = 0;
            }
            text[total++] = x;
        }
        // pass 3: " 's", " 'm", " 're", " 've"
        n = total;
        total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && x == '\'' && i + 1 < n) {
                byte x1 = text[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (x1 != 't' && x1 != 'd' && i + 2 < n) {
                    byte x2 = text[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) {
                        total--;
                    }
                }
            }
            text[total++] = x;
        }
        return java.util.Arrays.copyOf(text, total);
    }
}
