package org.slmlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merge rules and load-time checks on vocabularies small enough to reason about by hand. */
class HandMadeVocabularyTest {

    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    /** A SentencePiece vocabulary: token texts with their scores and GGUF types. */
    private static TokenizerMetadata spm(List<String> tokens, float[] scores, int[] types, Map<String, Long> ids) {
        return new TokenizerMetadata("llama", "", tokens.toArray(String[]::new), scores, types, null, ids, Map.of(), "");
    }

    private static final List<String> SPM_TOKENS = List.of("<unk>", "<s>", "</s>", "▁", "a", "b", "▁a", "ab", "bb",
            "<0x0A>", "ba");

    private static Tokenizer spmWithScores(float scoreOfSpaceA, float scoreOfAb) {
        float[] scores = {0, 0, 0, -1, -1, -1, scoreOfSpaceA, scoreOfAb, -5, 0, -3};
        int[] types = {UNKNOWN, CONTROL, CONTROL, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL, BYTE, NORMAL};
        return Tokenizer.fromMetadata(spm(SPM_TOKENS, scores, types, Map.of()));
    }

    @Test
    void sentencePieceMergesTheBestScoredPairFirst() {
        // "ab" is spelled "▁ab": the pairs "▁a" and "ab" compete for the "a", and neither result merges further
        Tokenizer aFirst = spmWithScores(-2, -4);
        assertArrayEquals(new int[] {1, 6, 5}, aFirst.encode("ab"));
        Tokenizer abFirst = spmWithScores(-4, -2);
        assertArrayEquals(new int[] {1, 3, 7}, abFirst.encode("ab"));
    }

    @Test
    void sentencePieceBreaksScoreTiesToTheLeft() {
        // "bab": "ba" (score -3) at position 0 and "ab" (score -3) at position 1 tie; the left one wins
        Tokenizer tok = spmWithScores(-9, -3);
        assertArrayEquals(new int[] {3, 10, 5}, tok.encode("bab", false, false));
    }

    @Test
    void sentencePieceSpellsUnknownCharactersWithByteTokens() {
        Tokenizer tok = spmWithScores(-2, -4);
        assertArrayEquals(new int[] {6, 9, 4}, tok.encode("a\na", false, false));
        assertEquals("a\na", tok.decode(tok.encode("a\na", false, false)));
        // no <0xNN> token for the bytes of "é": a clear error, where llama.cpp would abort
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encode("é"));
        assertTrue(e.getMessage().contains("0xC3"), e.getMessage());
    }

    @Test
    void sentencePieceDefaultsToLlamaSpecialIds() {
        Tokenizer tok = spmWithScores(-2, -4);
        assertEquals(1, tok.bos());
        assertEquals(2, tok.eos());
        assertEquals(0, tok.vocabulary().unk());
        assertTrue(tok.addsBos());
        assertTrue(tok.isEndOfGeneration(2));
    }

    /** A byte-level BPE vocabulary over the letters a, b, c and space, with the given merges (best first). */
    private static Tokenizer bpe(String pre, String... merges) {
        List<String> tokens = List.of("a", "b", "c", "Ġ", "ab", "bc", "abc", "Ġa", "Ġab", "Ġabc", "<|end|>");
        int[] types = new int[tokens.size()];
        Arrays.fill(types, NORMAL);
        types[tokens.size() - 1] = CONTROL;
        Map<String, Long> ids = new HashMap<>();
        ids.put(TokenizerMetadata.BOS_ID, 10L);
        ids.put(TokenizerMetadata.EOS_ID, 10L);
        return Tokenizer.fromMetadata(new TokenizerMetadata("gpt2", pre, tokens.toArray(String[]::new), null, types,
                merges, ids, Map.of(), ""));
    }

    @Test
    void bytePairMergesByRank() {
        assertArrayEquals(new int[] {4, 2}, bpe("gpt-2", "a b", "b c").encode("abc")); // "a b" is ranked first
        assertArrayEquals(new int[] {0, 5}, bpe("gpt-2", "b c", "a b").encode("abc"));
        assertArrayEquals(new int[] {6}, bpe("gpt-2", "b c", "a bc").encode("abc"));
        assertArrayEquals(new int[] {9}, bpe("gpt-2", "Ġ a", "Ġa b", "Ġab c").encode(" abc"));
        assertEquals(" abc", bpe("gpt-2", "Ġ a").decode(new int[] {7, 1, 2}));
    }

    @Test
    void llama3TakesAWordThatIsATokenWithoutMerging() {
        // "abc" is token 6 but no merges lead there: GPT-2 rules give bytes, Llama 3 rules give the token
        assertArrayEquals(new int[] {0, 1, 2}, bpe("gpt-2").encode("abc"));
        assertArrayEquals(new int[] {10, 6}, bpe("llama-bpe").encode("abc")); // and Llama 3 adds BOS
    }

    @Test
    void controlTokenTextIsTextUnlessParseSpecial() {
        Tokenizer tok = bpe("gpt-2", "a b");
        assertEquals(10, tok.encode("ab<|end|>", false, true)[1]);
        assertFalse(Arrays.stream(tok.encode("ab<|end|>", false, false)).anyMatch(id -> id == 10));
        assertEquals("ab", tok.decode(new int[] {4, 10}));
        assertEquals("ab<|end|>", tok.decode(new int[] {4, 10}, false, true));
        assertTrue(tok.isEndOfGeneration(10));
    }

    @Test
    void badMetadataIsRejectedWithTheKeyAndTheReason() {
        String[] tokens = {"a", "b"};
        assertMessage(() -> new TokenizerMetadata("bert", "", tokens, null, null, null, null, null, ""),
                "unknown tokenizer model 'bert'");
        assertMessage(() -> new TokenizerMetadata("gpt2", "gpt-2", tokens, null, null, null, null, null, ""),
                "tokenizer.ggml.merges");
        assertMessage(() -> new TokenizerMetadata("llama", "", new String[] {"a", "a"}, null, null, null, null, null, ""),
                "duplicate token");
        assertMessage(() -> new TokenizerMetadata("llama", "", tokens, new float[1], null, null, null, null, ""),
                "tokenizer.ggml.scores has 1 entries for 2 tokens");
        // Llama 3 adds BOS, but this vocabulary has no BOS id (llama.cpp's default 11 is outside it)
        assertMessage(() -> new TokenizerMetadata("gpt2", "llama-bpe", tokens, null, null, new String[0], null, null, ""),
                "tokenizer.ggml.add_bos_token is true, but tokenizer.ggml.bos_token_id is not set");
        assertMessage(() -> new TokenizerMetadata("gpt2", "klingon", tokens, null, null, new String[0], null, null, ""),
                "unknown pre-tokenizer type 'klingon'");
    }

    private static void assertMessage(java.util.function.Supplier<TokenizerMetadata> metadata, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.load(metadata.get()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
