package org.slmlab.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece ("llama" model) tokenization of one stretch of text, as llama.cpp's {@code llm_tokenizer_spm}
 * does it: start from single characters, and repeatedly join the adjacent pair whose joined text is the token with
 * the highest score (ties: the leftmost pair) until no adjacent pair joins into a token. A final symbol that is not
 * a token — a character the vocabulary lacks — is spelled with byte tokens {@code <0xNN>}, one per UTF-8 byte
 * ("byte fallback").
 *
 * <p>There is no pre-splitting into words: spaces were already replaced by {@code ▁} and merge like any other
 * character. As in {@link BytePairEncoder}, stale queue entries are recognised by their length.
 */
final class SentencePieceEncoder {

    private final Vocabulary vocab;
    /** The token of each byte value for byte fallback, or {@link Vocabulary#NONE}. */
    private final int[] byteTokens = new int[256];

    SentencePieceEncoder(Vocabulary vocab) {
        this.vocab = vocab;
        for (int b = 0; b < 256; b++) {
            // <0xNN>, or else a token whose text is that (ASCII) byte, as llama.cpp's byte_to_token looks it up
            int id = vocab.id(String.format("<0x%02X>", b));
            byteTokens[b] = id == Vocabulary.NONE && b < 0x80 ? vocab.id(String.valueOf((char) b)) : id;
        }
    }

    private record Bigram(int left, int right, float score, int size) implements Comparable<Bigram> {
        @Override
        public int compareTo(Bigram o) {
            int byScore = Float.compare(o.score, score); // higher score first
            return byScore != 0 ? byScore : Integer.compare(left, o.left);
        }
    }

    /** Appends the tokens of {@code text} (already with {@code ▁} for spaces) to {@code out}. */
    void encode(String text, IntList out) {
        if (text.isEmpty()) {
            return;
        }
        int[] starts = new int[text.codePointCount(0, text.length())]; // one symbol per code point
        for (int i = 0, offset = 0; i < starts.length; i++) {
            starts[i] = offset;
            offset += Character.charCount(text.codePointAt(offset));
        }
        Symbols sym = new Symbols(starts, text.length());
        PriorityQueue<Bigram> queue = new PriorityQueue<>();
        for (int i = 1; i < starts.length; i++) {
            offer(text, sym, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (sym.len[b.left] == 0 || sym.len[b.right] == 0 || sym.len[b.left] + sym.len[b.right] != b.size) {
                continue;
            }
            sym.absorbNext(b.left);
            offer(text, sym, sym.prev[b.left], b.left, queue);
            offer(text, sym, b.left, sym.next[b.left], queue);
        }
        for (int i = 0; i != -1; i = sym.next[i]) {
            String piece = text.substring(sym.start[i], sym.start[i] + sym.len[i]);
            int id = vocab.id(piece);
            if (id != Vocabulary.NONE) {
                out.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    out.add(byteToken(b & 0xFF));
                }
            }
        }
    }

    private void offer(String text, Symbols sym, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) {
            return;
        }
        int size = sym.len[left] + sym.len[right];
        int id = vocab.id(text.substring(sym.start[left], sym.start[left] + size));
        if (id != Vocabulary.NONE) {
            queue.add(new Bigram(left, right, vocab.score(id), size));
        }
    }

    /** The token of one raw byte. llama.cpp aborts the tokenization when there is none; so does this, saying why. */
    private int byteToken(int b) {
        int id = byteTokens[b];
        if (id == Vocabulary.NONE) {
            throw new IllegalArgumentException(String.format(
                    "the vocabulary has no token for byte 0x%02X (neither <0x%02X> nor the byte itself), so it cannot "
                            + "spell a character it lacks", b, b));
        }
        return id;
    }
}
