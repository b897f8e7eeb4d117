package org.slmlab.tokenizer;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer stage given as a regular expression, run the way llama.cpp runs the expressions it has no
 * hand-written scanner for: on the collapsed text (see {@link CodepointText}), with {@code \p{L}}, {@code \p{N}},
 * {@code \p{P}}, {@code \p{M}} and {@code \p{S}} rewritten to the category marker plus the ASCII characters of that
 * category. Both the matches and the stretches between them become pieces.
 *
 * <p>llama.cpp hands the collapsed expression to C++ {@code std::regex} (ECMAScript grammar); the constructs used
 * here — ordered alternation, greedy quantifiers with backtracking, character classes, {@code (?!...)} — mean the
 * same in {@link java.util.regex}, and {@code \s} is the same six ASCII characters in both. The ASCII lists are
 * llama.cpp's, quirks included: {@code ~} belongs to neither punctuation nor symbols.
 */
final class RegexSplitter implements SplitStage {

    /** The class body each category becomes: its marker character and its ASCII members. */
    private static final Map<String, String> CATEGORY_CLASSES = Map.of(
            "\\p{N}", CodepointText.NUMBER + "0-9",
            "\\p{L}", CodepointText.LETTER + "A-Za-z",
            "\\p{P}", CodepointText.PUNCTUATION + "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}",
            "\\p{M}", String.valueOf(CodepointText.MARK),
            "\\p{S}", CodepointText.SYMBOL + "\\$\\+<->\\^`\\|");

    private final String source;
    private final Pattern pattern;

    /** @param regex the expression as llama.cpp writes it, with {@code \p{..}} categories */
    RegexSplitter(String regex) {
        this.source = regex;
        this.pattern = Pattern.compile(collapse(regex));
    }

    /**
     * Rewrites the categories of {@code regex} for the collapsed text: {@code \p{L}} becomes {@code [\u00D2A-Za-z]},
     * or just {@code \u00D2A-Za-z} inside a bracket expression such as {@code [^\r\n\p{L}\p{N}]}.
     */
    static String collapse(String regex) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            boolean escaped = i > 0 && regex.charAt(i - 1) == '\\';
            if (c == '[' && !escaped) {
                depth++;
            } else if (c == ']' && !escaped && depth > 0) {
                depth--;
            } else if (regex.startsWith("\\p{", i)) {
                int close = regex.indexOf('}', i);
                String body = close < 0 ? null : CATEGORY_CLASSES.get(regex.substring(i, close + 1));
                if (body == null) {
                    throw new IllegalArgumentException("unsupported Unicode category in pre-tokenizer regex: " + regex);
                }
                out.append(depth > 0 ? body : "[" + body + "]");
                i = close;
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    @Override
    public Pieces split(CodepointText text, Pieces in) {
        Pieces out = new Pieces();
        Matcher m = pattern.matcher(text.collapsed());
        for (int p = 0; p < in.count(); p++) {
            // A region with opaque bounds: look-aheads cannot see past the piece, as in llama.cpp.
            m.region(in.start(p), in.end(p));
            while (m.find()) {
                out.cutAt(m.start()); // the unmatched stretch before the match, if any
                out.cutAt(m.end());
            }
            out.cutAt(in.end(p));
        }
        return out;
    }

    @Override
    public String toString() {
        return source;
    }
}
