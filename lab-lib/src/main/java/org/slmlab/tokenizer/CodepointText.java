package org.slmlab.tokenizer;

/**
 * A text as an array of Unicode code points, the unit llama.cpp's pre-tokenizers count in, together with its
 * "collapsed" form (built on first use) in which every code point is one {@code char}.
 *
 * <p>The collapsed form is llama.cpp's trick for running Unicode-aware regular expressions with a plain byte
 * regex engine: ASCII characters stay themselves, non-ASCII whitespace becomes {@code \u000B} (vertical tab, which
 * {@code \s} matches) and every other non-ASCII code point becomes one marker character for its category —
 * {@code \u00D1} number, {@code \u00D2} letter, {@code \u00D3} punctuation, {@code \u00D4} mark, {@code \u00D5}
 * symbol, {@code \u00D0} anything else. {@link RegexSplitter} rewrites {@code \p{L}} and friends to match the
 * markers.
 */
final class CodepointText {

    static final char OTHER = '\u00D0';
    static final char NUMBER = '\u00D1';
    static final char LETTER = '\u00D2';
    static final char PUNCTUATION = '\u00D3';
    static final char MARK = '\u00D4';
    static final char SYMBOL = '\u00D5';

    final int[] cps;
    private String collapsed;

    CodepointText(String text) {
        this.cps = text.codePoints().toArray();
    }

    int length() {
        return cps.length;
    }

    String substring(int start, int end) {
        return new String(cps, start, end - start);
    }

    /** The collapsed form: one char per code point, see the class comment. */
    String collapsed() {
        if (collapsed == null) {
            char[] c = new char[cps.length];
            for (int i = 0; i < cps.length; i++) {
                c[i] = collapse(cps[i]);
            }
            collapsed = new String(c);
        }
        return collapsed;
    }

    static char collapse(int cp) {
        if (cp < 128) {
            return (char) cp;
        }
        if (UnicodeCategories.isWhitespace(cp)) {
            return '\u000B';
        }
        return switch (UnicodeCategories.category(cp)) {
            case UnicodeCategories.NUMBER -> NUMBER;
            case UnicodeCategories.LETTER -> LETTER;
            case UnicodeCategories.PUNCTUATION -> PUNCTUATION;
            case UnicodeCategories.MARK -> MARK;
            case UnicodeCategories.SYMBOL -> SYMBOL;
            default -> OTHER;
        };
    }
}
