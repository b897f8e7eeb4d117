package org.slmlab.tokenizer;

import static org.slmlab.tokenizer.Piece.is;
import static org.slmlab.tokenizer.Piece.isPunctuationLike;

/**
 * Llama 3's pre-tokenizer as a hand-written scanner, equivalent to the regular expression
 * <pre>  (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 * and following llama.cpp's scanner for it ({@code unicode_regex_split_custom_llama3}) step for step.
 *
 * <p>Compared with GPT-2: contractions ignore case, a word may take any one non-letter, non-digit character in
 * front of it (not only a space: {@code "(hello"} stays together), numbers are cut into groups of at most three
 * digits from the left ({@code "12345"} gives {@code "123"}, {@code "45"}), punctuation runs swallow the line
 * breaks after them, and whitespace ending in line breaks is a piece of its own.
 */
final class Llama3Splitter extends ScannerStage {

    @Override
    void scan(Piece s) {
        int pos = s.start;
        while (pos < s.end) {
            int cp = s.cp(pos);
            int here = s.flags(pos);
            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            int contraction = s.contractionLength(pos, true);
            if (contraction > 0) {
                pos = s.cut(pos + contraction);
                continue;
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+  — one optional leading character, then letters
            if (!isLineBreak(cp) && !is(here, UnicodeCategories.NUMBER)
                    && (is(here, UnicodeCategories.LETTER) || is(s.flags(pos + 1), UnicodeCategories.LETTER))) {
                pos = s.cut(s.skipWhile(pos + 1, UnicodeCategories.LETTER));
                continue;
            }
            // \p{N}{1,3}
            if (is(here, UnicodeCategories.NUMBER)) {
                int groupStart = pos;
                while (is(s.flags(pos), UnicodeCategories.NUMBER)) {
                    pos++;
                    if (pos - groupStart == 3) {
                        groupStart = s.cut(pos);
                    }
                }
                s.cut(pos);
                continue;
            }
            //  ?[^\s\p{L}\p{N}]+[\r\n]*
            int lead = cp == ' ' ? 1 : 0;
            if (isPunctuationLike(s.flags(pos + lead))) {
                int q = pos + lead;
                while (isPunctuationLike(s.flags(q))) {
                    q++;
                }
                while (isLineBreak(s.cp(q))) {
                    q++;
                }
                pos = s.cut(q);
                continue;
            }
            // \s*[\r\n]+  — whitespace up to and including its last line break
            int spaces = 0;
            int afterLastBreak = -1;
            while (is(s.flags(pos + spaces), UnicodeCategories.WHITESPACE)) {
                if (isLineBreak(s.cp(pos + spaces))) {
                    afterLastBreak = pos + spaces + 1;
                }
                spaces++;
            }
            if (afterLastBreak >= 0) {
                pos = s.cut(afterLastBreak);
            } else if (spaces > 1 && s.inside(pos + spaces)) {
                pos = s.cut(pos + spaces - 1); // \s+(?!\S)
            } else if (spaces > 0) {
                pos = s.cut(pos + spaces); // \s+
            } else {
                pos = s.cut(pos + 1);
            }
        }
    }

    private static boolean isLineBreak(int cp) {
        return cp == '\r' || cp == '\n';
    }
}
