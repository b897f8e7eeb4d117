package org.slmlab.tokenizer;

/**
 * What kind of token an id is, as a bit set (llama.cpp's {@code llama_token_attr}).
 *
 * <p>A GGUF file stores one small integer per token in {@code tokenizer.ggml.token_type}; llama.cpp turns it into
 * these bits at load time and later adds a few by itself (it marks end-of-turn tokens as control, and Phi-3's
 * special tokens as "strip the whitespace after me"). The bits decide how a token takes part in tokenization:
 * control and unknown tokens are only recognised in text when the caller asks for it ({@code parseSpecial}),
 * user-defined tokens always are, and byte tokens {@code <0xNN>} stand for one raw byte when decoding.
 */
public final class TokenAttributes {

    public static final int UNDEFINED = 0;
    public static final int UNKNOWN = 1;
    public static final int UNUSED = 1 << 1;
    public static final int NORMAL = 1 << 2;
    public static final int CONTROL = 1 << 3;
    public static final int USER_DEFINED = 1 << 4;
    public static final int BYTE = 1 << 5;
    public static final int NORMALIZED = 1 << 6;
    /** Remove whitespace to the left of this token when it is split out of a text. */
    public static final int LSTRIP = 1 << 7;
    /** Remove whitespace to the right of this token when it is split out of a text. */
    public static final int RSTRIP = 1 << 8;
    public static final int SINGLE_WORD = 1 << 9;

    private TokenAttributes() {
    }

    /**
     * The attribute of a GGUF {@code tokenizer.ggml.token_type} value. The file's numbering (1 normal, 2 unknown,
     * 3 control, 4 user-defined, 5 unused, 6 byte) differs from the bit order above; anything else is undefined.
     */
    public static int fromGgufTokenType(int type) {
        return switch (type) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }

    /** A short readable form such as {@code control|rstrip}, for listings. */
    public static String describe(int attributes) {
        if (attributes == UNDEFINED) {
            return "undefined";
        }
        String[] names = {"unknown", "unused", "normal", "control", "user-defined", "byte", "normalized", "lstrip",
                "rstrip", "single-word"};
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < names.length; bit++) {
            if ((attributes & (1 << bit)) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[bit]);
            }
        }
        return sb.toString();
    }
}
