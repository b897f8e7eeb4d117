package org.slmlab.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GGUFMetadataException;

/**
 * Everything a GGUF file says about its tokenizer, as plain Java values: the {@code tokenizer.ggml.*} keys plus
 * the two {@code general.*} keys llama.cpp consults. {@link Vocabulary#load} turns this into a working vocabulary;
 * {@link Tokenizer#fromGguf} fills it from a file. Tests and notebooks can also build one by hand.
 *
 * @param model        {@code tokenizer.ggml.model}: {@code "llama"} (SentencePiece) or {@code "gpt2"} (byte-level BPE)
 * @param pre          {@code tokenizer.ggml.pre}, the pre-tokenizer name (e.g. {@code "llama-bpe"}, {@code "qwen2"});
 *                     empty when absent
 * @param tokens       {@code tokenizer.ggml.tokens}: the text of every token, indexed by id
 * @param scores       {@code tokenizer.ggml.scores} (SentencePiece merge priorities), or null
 * @param tokenTypes   {@code tokenizer.ggml.token_type} (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused,
 *                     6 byte), or null
 * @param merges       {@code tokenizer.ggml.merges} ({@code "left right"} pairs, best first), or null
 * @param tokenIds     the special-token ids present in the file, by full key (e.g.
 *                     {@code "tokenizer.ggml.bos_token_id"}); see {@link #ID_KEYS}
 * @param flags        the boolean options present in the file, by full key; see {@link #FLAG_KEYS}
 * @param generalName  {@code general.name} (llama.cpp keys one Phi-3 quirk on it), empty when absent
 */
public record TokenizerMetadata(
        String model,
        String pre,
        String[] tokens,
        float[] scores,
        int[] tokenTypes,
        String[] merges,
        Map<String, Long> tokenIds,
        Map<String, Boolean> flags,
        String generalName) {

    public static final String MODEL = "tokenizer.ggml.model";
    public static final String PRE = "tokenizer.ggml.pre";
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String SCORES = "tokenizer.ggml.scores";
    public static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String GENERAL_NAME = "general.name";

    public static final String BOS_ID = "tokenizer.ggml.bos_token_id";
    public static final String EOS_ID = "tokenizer.ggml.eos_token_id";
    public static final String EOT_ID = "tokenizer.ggml.eot_token_id";
    public static final String EOM_ID = "tokenizer.ggml.eom_token_id";
    public static final String UNK_ID = "tokenizer.ggml.unknown_token_id";
    /** Spelled "seperator" in the GGUF key, as llama.cpp writes it. */
    public static final String SEP_ID = "tokenizer.ggml.seperator_token_id";
    public static final String PAD_ID = "tokenizer.ggml.padding_token_id";
    public static final String MASK_ID = "tokenizer.ggml.mask_token_id";
    public static final String FIM_PRE_ID = "tokenizer.ggml.fim_pre_token_id";
    public static final String FIM_SUF_ID = "tokenizer.ggml.fim_suf_token_id";
    public static final String FIM_MID_ID = "tokenizer.ggml.fim_mid_token_id";
    public static final String FIM_PAD_ID = "tokenizer.ggml.fim_pad_token_id";
    public static final String FIM_REP_ID = "tokenizer.ggml.fim_rep_token_id";
    public static final String FIM_SEP_ID = "tokenizer.ggml.fim_sep_token_id";
    /** Older names of the fill-in-the-middle ids, still read by llama.cpp. */
    public static final String PREFIX_ID = "tokenizer.ggml.prefix_token_id";
    public static final String SUFFIX_ID = "tokenizer.ggml.suffix_token_id";
    public static final String MIDDLE_ID = "tokenizer.ggml.middle_token_id";

    public static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    public static final String ADD_EOS = "tokenizer.ggml.add_eos_token";
    public static final String ADD_SEP = "tokenizer.ggml.add_sep_token";
    public static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";
    public static final String REMOVE_EXTRA_WHITESPACES = "tokenizer.ggml.remove_extra_whitespaces";

    /** The id keys {@link Vocabulary#load} reads, in llama.cpp's order (later keys override earlier ones). */
    public static final List<String> ID_KEYS = List.of(BOS_ID, EOS_ID, EOT_ID, EOM_ID, UNK_ID, SEP_ID, PAD_ID, MASK_ID,
            FIM_PRE_ID, FIM_SUF_ID, FIM_MID_ID, FIM_PAD_ID, FIM_REP_ID, FIM_SEP_ID, PREFIX_ID, SUFFIX_ID, MIDDLE_ID);

    /** The boolean keys {@link Vocabulary#load} reads. */
    public static final List<String> FLAG_KEYS = List.of(ADD_BOS, ADD_EOS, ADD_SEP, ADD_SPACE_PREFIX,
            REMOVE_EXTRA_WHITESPACES);

    /**
     * Reads the tokenizer keys of a GGUF file. The arrays are copied out of the file, so the metadata outlives it.
     *
     * @throws GGUFMetadataException when {@code tokenizer.ggml.model} or {@code tokenizer.ggml.tokens} is missing,
     *                               or a key holds another type than llama.cpp accepts for it
     */
    public static TokenizerMetadata read(GGUFFile gguf) {
        if (!gguf.has(TOKENS)) {
            throw new GGUFMetadataException(gguf.path() + ": cannot find tokenizer vocab (" + TOKENS + ")");
        }
        float[] scores = null;
        if (gguf.has(SCORES)) {
            // llama.cpp accepts FLOAT32 or INT32 scores
            scores = gguf.getArray(SCORES).elementType().isInteger() ? toFloats(gguf.getIntArray(SCORES))
                    : gguf.getFloatArray(SCORES);
        }
        Map<String, Long> ids = new HashMap<>();
        for (String key : ID_KEYS) {
            if (gguf.has(key)) {
                ids.put(key, gguf.getLong(key));
            }
        }
        Map<String, Boolean> flags = new HashMap<>();
        for (String key : FLAG_KEYS) {
            if (gguf.has(key)) {
                flags.put(key, gguf.getBoolean(key));
            }
        }
        return new TokenizerMetadata(
                gguf.getString(MODEL),
                gguf.getString(PRE, ""),
                gguf.getStringArray(TOKENS),
                scores,
                gguf.has(TOKEN_TYPE) ? gguf.getIntArray(TOKEN_TYPE) : null,
                gguf.has(MERGES) ? gguf.getStringArray(MERGES) : null,
                ids,
                flags,
                gguf.getString(GENERAL_NAME, ""));
    }

    private static float[] toFloats(int[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = values[i];
        }
        return f;
    }

    public TokenizerMetadata {
        Objects.requireNonNull(model, MODEL);
        Objects.requireNonNull(tokens, TOKENS);
        pre = pre == null ? "" : pre;
        generalName = generalName == null ? "" : generalName;
        tokenIds = Map.copyOf(tokenIds == null ? Map.of() : tokenIds);
        flags = Map.copyOf(flags == null ? Map.of() : flags);
    }
}
