package org.slmlab.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds special-token text such as {@code <|im_start|>} in a text before ordinary tokenization, as llama.cpp's
 * {@code tokenizer_st_partition} does: the text becomes a sequence of fragments, each either plain text (to be
 * tokenized normally) or one special token.
 *
 * <p>Special tokens are looked for longest first. User-defined tokens are always recognised; control and unknown
 * tokens only when {@code parseSpecial} is set (a chat template sets it, so that its markers become single tokens;
 * user text normally does not, so that a user typing {@code <|im_end|>} cannot end the turn). A token with the
 * {@link TokenAttributes#LSTRIP}/{@link TokenAttributes#RSTRIP} attribute also removes the ASCII whitespace
 * before/after it.
 */
final class SpecialTokenSplitter {

    /** A piece of the input: either {@code text.substring(start, end)} or the token {@code id}. */
    record Fragment(int id, int start, int end) {
        boolean isText() {
            return id == Vocabulary.NONE;
        }
    }

    private SpecialTokenSplitter() {
    }

    static List<Fragment> split(Vocabulary vocab, int[] specialTokens, String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(new Fragment(Vocabulary.NONE, 0, text.length()));
        for (int special : specialTokens) {
            int attr = vocab.attributes(special);
            if (!parseSpecial && (attr & (TokenAttributes.CONTROL | TokenAttributes.UNKNOWN)) != 0) {
                continue;
            }
            String needle = vocab.text(special);
            List<Fragment> next = new ArrayList<>(fragments.size() + 4);
            for (Fragment f : fragments) {
                if (!f.isText()) {
                    next.add(f);
                    continue;
                }
                int from = f.start();
                while (from < f.end()) {
                    int match = text.indexOf(needle, from);
                    if (match < 0 || match + needle.length() > f.end()) {
                        next.add(new Fragment(Vocabulary.NONE, from, f.end()));
                        break;
                    }
                    int leftEnd = match;
                    if ((attr & TokenAttributes.LSTRIP) != 0) {
                        while (leftEnd > from && isAsciiSpace(text.charAt(leftEnd - 1))) {
                            leftEnd--;
                        }
                    }
                    if (leftEnd > from) {
                        next.add(new Fragment(Vocabulary.NONE, from, leftEnd));
                    }
                    next.add(new Fragment(special, match, match + needle.length()));
                    from = match + needle.length();
                    if ((attr & TokenAttributes.RSTRIP) != 0) {
                        while (from < f.end() && isAsciiSpace(text.charAt(from))) {
                            from++;
                        }
                    }
                }
            }
            fragments = next;
        }
        return fragments;
    }

    /** C's {@code isspace} in the "C" locale: space, tab, newline, vertical tab, form feed, carriage return. */
    static boolean isAsciiSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
