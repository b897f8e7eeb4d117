package org.slmlab.tokenizer;

/**
 * GPT-2's pre-tokenizer as a hand-written scanner, equivalent to the regular expression
 * <pre>  's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 * and following llama.cpp's own scanner for it ({@code unicode_regex_split_custom_gpt2}) step for step.
 *
 * <p>At each position the alternatives are tried in order, the first that matches wins: an English contraction
 * (lower case only), a word with at most one leading space, a number likewise, a run of punctuation/symbols
 * likewise, and finally whitespace. A whitespace run followed by more text leaves its last space to be the
 * leading space of the next word — that is what {@code \s+(?!\S)} does, and why "a  b" becomes "a", " ", " b".
 */
final class Gpt2Splitter implements SplitStage {

    @Override
    public Pieces split(CodepointText text, Pieces in) {
        Pieces out = new Pieces();
        for (int p = 0; p < in.count(); p++) {
            new Scan(text.cps, in.start(p), in.end(p), out).run();
        }
        return out;
    }

    /** Scanner state for one piece; positions outside the piece read as "no character". */
    private static final class Scan extends PieceScanner {

        Scan(int[] cps, int start, int end, Pieces out) {
            super(cps, start, end, out);
        }

        void run() {
            int pos = start;
            while (pos < end) {
                int cp = cp(pos);
                // 's|'t|'re|'ve|'m|'ll|'d  (case-sensitive in GPT-2)
                int contraction = contractionLength(pos, false);
                if (contraction > 0) {
                    pos = cut(pos + contraction);
                    continue;
                }
                // ' ?' followed by a letter, a number or other non-space: the space joins the run after it
                int lead = cp == ' ' ? 1 : 0;
                int first = flags(pos + lead);
                if (is(first, UnicodeCategories.LETTER)) {
                    pos = cut(skipWhile(pos + lead, UnicodeCategories.LETTER));
                    continue;
                }
                if (is(first, UnicodeCategories.NUMBER)) {
                    pos = cut(skipWhile(pos + lead, UnicodeCategories.NUMBER));
                    continue;
                }
                if (isPunctuationLike(first)) {
                    int q = pos + lead;
                    while (isPunctuationLike(flags(q))) {
                        q++;
                    }
                    pos = cut(q);
                    continue;
                }
                int spaces = whitespaceRun(pos);
                if (spaces > 1 && inside(pos + spaces)) {
                    pos = cut(pos + spaces - 1); // \s+(?!\S): leave the last space to the next word
                } else if (spaces > 0) {
                    pos = cut(pos + spaces);
                } else {
                    pos = cut(pos + 1); // nothing matched: the character is a piece of its own
                }
            }
        }
    }
}
