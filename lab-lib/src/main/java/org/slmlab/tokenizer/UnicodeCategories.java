package org.slmlab.tokenizer;

/**
 * The Unicode facts the pre-tokenizers need, in the shape llama.cpp uses them ({@code unicode_cpt_flags}).
 *
 * <p>Every code point falls in exactly one coarse category — number, letter, separator, mark, punctuation, symbol
 * or "other" (controls, formats, surrogates, private use and unassigned code points, regex {@code \p{C}}) — and may
 * in addition be whitespace. llama.cpp generated its table from Python's {@code regex} module; here the categories
 * come from {@link Character#getType}, i.e. from the Unicode version of the running JDK. The two agree on every
 * code point that both Unicode versions define; they can differ only on characters added to Unicode after
 * llama.cpp's table was generated (which llama.cpp then treats as "other").
 */
public final class UnicodeCategories {

    public static final int NUMBER = 1 << 1;
    public static final int LETTER = 1 << 2;
    public static final int SEPARATOR = 1 << 3;
    public static final int MARK = 1 << 4;
    public static final int PUNCTUATION = 1 << 5;
    public static final int SYMBOL = 1 << 6;
    public static final int OTHER = 1 << 7;
    /** Not a category but an extra property: the Unicode {@code White_Space} set. */
    public static final int WHITESPACE = 1 << 8;

    private UnicodeCategories() {
    }

    /** The category bit of {@code cp}, plus {@link #WHITESPACE} when it is whitespace. */
    public static int of(int cp) {
        return category(cp) | (isWhitespace(cp) ? WHITESPACE : 0);
    }

    public static boolean isLetter(int cp) {
        return category(cp) == LETTER;
    }

    public static boolean isNumber(int cp) {
        return category(cp) == NUMBER;
    }

    /**
     * The Unicode {@code White_Space} property (what Python's {@code regex} calls {@code \s}): tab to carriage
     * return, space, next-line, no-break space, ogham space, the typographic spaces U+2000–U+200A, line and
     * paragraph separators, narrow no-break space, medium mathematical space and ideographic space. Note that
     * zero-width space U+200B is not whitespace, and U+001C–U+001F are not either (unlike Java's
     * {@link Character#isWhitespace}).
     */
    public static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** One category bit: the general category of {@code cp} folded to its first letter (L, N, Z, M, P, S, C). */
    public static int category(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            default -> OTHER; // control, format, surrogate, private use, unassigned: regex \p{C}
        };
    }
}
