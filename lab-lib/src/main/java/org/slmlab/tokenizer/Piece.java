package org.slmlab.tokenizer;

/**
 * One piece of text as the hand-written scanners see it: code points and their categories can be read inside the
 * piece (outside it there is nothing, so no pattern can look past the piece's border), and the piece can be cut.
 */
final class Piece {

    /** Flags of a position outside the piece: no category at all. */
    static final int NOTHING = 0;

    final int[] cps;
    final int start;
    final int end;
    private final Pieces out;

    Piece(int[] cps, int start, int end, Pieces out) {
        this.cps = cps;
        this.start = start;
        this.end = end;
        this.out = out;
    }

    final boolean inside(int pos) {
        return pos >= start && pos < end;
    }

    /** The code point at {@code pos}, or -1 outside the piece. */
    final int cp(int pos) {
        return inside(pos) ? cps[pos] : -1;
    }

    final int flags(int pos) {
        return inside(pos) ? UnicodeCategories.of(cps[pos]) : NOTHING;
    }

    static boolean is(int flags, int category) {
        return (flags & category) != 0;
    }

    /** {@code [^\s\p{L}\p{N}]}: a character that is neither whitespace, letter nor number. */
    static boolean isPunctuationLike(int flags) {
        return flags != NOTHING
                && (flags & (UnicodeCategories.WHITESPACE | UnicodeCategories.LETTER | UnicodeCategories.NUMBER)) == 0;
    }

    /** The first position at or after {@code pos} whose category is not {@code category}. */
    final int skipWhile(int pos, int category) {
        while (is(flags(pos), category)) {
            pos++;
        }
        return pos;
    }

    /** How many whitespace characters start at {@code pos}. */
    final int whitespaceRun(int pos) {
        int n = 0;
        while (is(flags(pos + n), UnicodeCategories.WHITESPACE)) {
            n++;
        }
        return n;
    }

    /**
     * The length (2 or 3) of an English contraction {@code 's 't 're 've 'm 'll 'd} at {@code pos}, or 0.
     * With {@code ignoreCase} the letters may be upper case too ({@code 'S}, {@code 'Ll}, …); only ASCII letters
     * count, as no other character lower-cases to one of these.
     */
    final int contractionLength(int pos, boolean ignoreCase) {
        if (cp(pos) != '\'' || !inside(pos + 1)) {
            return 0;
        }
        int a = letter(cp(pos + 1), ignoreCase);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') {
            return 2;
        }
        if (inside(pos + 2)) {
            int b = letter(cp(pos + 2), ignoreCase);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return 3;
            }
        }
        return 0;
    }

    private static int letter(int cp, boolean ignoreCase) {
        return ignoreCase && cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
    }

    /** Ends the current piece at {@code pos} and returns {@code pos}, where the next one starts. */
    final int cut(int pos) {
        out.cutAt(pos);
        return pos;
    }
}
