package org.slmlab.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE on one pre-tokenized word, as llama.cpp's {@code llm_tokenizer_bpe_session} does it.
 *
 * <p>The word's UTF-8 bytes are written as GPT-2 stand-in characters ({@link ByteLevel}), one symbol per byte.
 * Then, repeatedly, the adjacent pair with the best (lowest) merge rank is joined — ties go to the leftmost pair —
 * until no adjacent pair appears in the merge list. Each final symbol is a token; a symbol that is not (which a
 * consistent vocabulary never produces) falls back to the tokens of its single ASCII bytes, as in llama.cpp.
 *
 * <p>A priority queue of candidate pairs makes this O(n log n) in the word length. Entries are not removed when a
 * neighbour changes; instead a popped pair is skipped when its symbols no longer have the lengths it was made from
 * (a symbol only ever grows, so a changed symbol always has a different length).
 *
 * <p>Words repeat a lot in real text, so finished words are cached (the cache is dropped when it grows large).
 */
final class BytePairEncoder {

    private static final int CACHE_LIMIT = 1 << 16;

    private final Vocabulary vocab;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BytePairEncoder(Vocabulary vocab, boolean ignoreMerges) {
        this.vocab = vocab;
        this.ignoreMerges = ignoreMerges;
    }

    /** Appends the tokens of one word (plain text, before byte-level encoding) to {@code out}. */
    void encodeWord(String word, IntList out) {
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = merge(ByteLevel.encode(word));
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(word, ids);
        }
        out.addAll(ids);
    }

    /** A candidate merge of the symbols {@code left} and {@code right}, {@code size} chars in total. */
    private record Pair(int left, int right, int rank, int size) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair o) {
            return rank != o.rank ? Integer.compare(rank, o.rank) : Integer.compare(left, o.left);
        }
    }

    /** Merges the symbols of a byte-level encoded word and returns their token ids. */
    private int[] merge(String word) {
        // Llama 3 style: a word that is a token as a whole is taken as is, whatever the merges would do.
        if (ignoreMerges) {
            int whole = vocab.id(word);
            if (whole != Vocabulary.NONE) {
                return new int[] {whole};
            }
        }
        int n = word.length(); // every stand-in character is one UTF-16 char
        if (n == 0) {
            return new int[0];
        }
        Symbols sym = new Symbols(n);
        PriorityQueue<Pair> queue = new PriorityQueue<>();
        for (int i = 1; i < n; i++) {
            offer(word, sym, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Pair p = queue.poll();
            if (sym.len[p.left] == 0 || sym.len[p.right] == 0 || sym.len[p.left] + sym.len[p.right] != p.size) {
                continue; // outdated: one side has been merged into something else meanwhile
            }
            sym.absorbNext(p.left);
            offer(word, sym, sym.prev[p.left], p.left, queue);
            offer(word, sym, p.left, sym.next[p.left], queue);
        }
        IntList ids = new IntList();
        for (int i = 0; i != -1; i = sym.next[i]) {
            String piece = word.substring(sym.start[i], sym.start[i] + sym.len[i]);
            int id = vocab.id(piece);
            if (id != Vocabulary.NONE) {
                ids.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    int byteId = b >= 0 ? vocab.id(String.valueOf((char) b)) : Vocabulary.NONE;
                    if (byteId != Vocabulary.NONE) {
                        ids.add(byteId);
                    }
                }
            }
        }
        return ids.toArray();
    }

    private void offer(String word, Symbols sym, int left, int right, PriorityQueue<Pair> queue) {
        if (left < 0 || right < 0) {
            return;
        }
        int ls = sym.start[left];
        int rs = sym.start[right];
        String pair = word.substring(ls, ls + sym.len[left]) + ' ' + word.substring(rs, rs + sym.len[right]);
        int rank = vocab.mergeRank(pair);
        if (rank >= 0) {
            queue.add(new Pair(left, right, rank, sym.len[left] + sym.len[right]));
        }
    }
}
