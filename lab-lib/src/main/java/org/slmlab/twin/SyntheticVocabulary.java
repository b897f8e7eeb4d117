package org.slmlab.twin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slmlab.gguf.GGUFArray;
import org.slmlab.gguf.GGUFValue;

/**
 * A SentencePiece-style vocabulary of any size for shape twins: the special tokens, the 256 byte tokens every
 * SentencePiece vocabulary falls back on, then made-up word pieces. Its size is the real model's, so the
 * embedding and output matrices have their real shapes, and any text tokenizes (through the byte tokens).
 */
final class SyntheticVocabulary {

    static final int UNK = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    private static final int FIRST_BYTE = 3;
    private static final int BYTES = 256;

    // llama.cpp's token types (LLAMA_TOKEN_TYPE_*)
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    private SyntheticVocabulary() {
    }

    /** The {@code tokenizer.*} metadata of a vocabulary of {@code size} tokens. */
    static Map<String, GGUFValue> metadata(int size) {
        if (size < FIRST_BYTE + BYTES) {
            throw new IllegalArgumentException("a synthetic vocabulary needs at least " + (FIRST_BYTE + BYTES)
                    + " tokens, not " + size);
        }
        List<String> tokens = new ArrayList<>(size);
        float[] scores = new float[size];
        int[] types = new int[size];
        tokens.add("<unk>");
        types[UNK] = UNKNOWN;
        tokens.add("<s>");
        types[BOS] = CONTROL;
        tokens.add("</s>");
        types[EOS] = CONTROL;
        for (int b = 0; b < BYTES; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types[FIRST_BYTE + b] = BYTE;
        }
        for (int id = FIRST_BYTE + BYTES; id < size; id++) {
            tokens.add("\u2581w" + id);
            types[id] = NORMAL;
            scores[id] = -id; // earlier pieces are preferred, as in a trained vocabulary
        }
        Map<String, GGUFValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GGUFValue.of("llama"));
        m.put("tokenizer.ggml.tokens", GGUFArray.ofStrings(tokens));
        m.put("tokenizer.ggml.scores", GGUFArray.ofFloats(scores));
        m.put("tokenizer.ggml.token_type", GGUFArray.ofInts(types));
        m.put("tokenizer.ggml.bos_token_id", GGUFValue.ofUInt32(BOS));
        m.put("tokenizer.ggml.eos_token_id", GGUFValue.ofUInt32(EOS));
        m.put("tokenizer.ggml.unknown_token_id", GGUFValue.ofUInt32(UNK));
        m.put("tokenizer.ggml.add_bos_token", GGUFValue.of(true));
        return m;
    }
}
