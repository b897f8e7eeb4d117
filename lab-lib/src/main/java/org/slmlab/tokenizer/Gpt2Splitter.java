package org.slmlab.tokenizer;

import static org.slmlab.tokenizer.Piece.is;
import static org.slmlab.tokenizer.Piece.isPunctuationLike;

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
final class Gpt2Splitter extends ScannerStage {

    @Override
    void scan(Piece s) {
        int pos = s.start;
        while (pos < s.end) {
            int cp = s.cp(pos);
            // 's|'t|'re|'ve|'m|'ll|'d  (case-sensitive in GPT-2)
            int contraction = s.contractionLength(pos, false);
            if (contraction > 0) {
                pos = s.cut(pos + contraction);
                continue;
            }
            // ' ?' followed by a letter, a number or other non-space: the space joins the run after it
            int lead = cp == ' ' ? 1 : 0;
            int first = s.flags(pos + lead);
            if (is(first, UnicodeCategories.LETTER)) {
                pos = s.cut(s.skipWhile(pos + lead, UnicodeCategories.LETTER));
                continue;
            }
            if (is(first, UnicodeCategories.NUMBER)) {
                pos = s.cut(s.skipWhile(pos + lead, UnicodeCategories.NUMBER));
                continue;
            }
            if (isPunctuationLike(first)) {
                int q = pos + lead;
                while (isPunctuationLike(s.flags(q))) {
                    q++;
                }
                pos = s.cut(q);
                continue;
            }
            int spaces = s.whitespaceRun(pos);
            if (spaces > 1 && s.inside(pos + spaces)) {
                pos = s.cut(pos + spaces - 1); // \s+(?!\S): leave the last space to the next word
            } else if (spaces > 0) {
                pos = s.cut(pos + spaces);
            } else {
                pos = s.cut(pos + 1); // nothing matched: the character is a piece of its own
            }
        }
    }
}
