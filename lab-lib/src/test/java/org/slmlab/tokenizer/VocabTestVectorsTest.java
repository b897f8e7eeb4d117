package org.slmlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.testing.SharedReference;

/**
 * llama.cpp's own tokenizer test vectors ({@code shared/reference/vocab}): every text of every {@code .inp} must give
 * exactly the ids of its {@code .out} line, and the tokens must give the text back.
 */
class VocabTestVectorsTest {

    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    static Tokenizer tokenizer(String vocab) {
        return TOKENIZERS.computeIfAbsent(vocab, v -> {
            try (GGUFFile gguf = GGUFFile.open(SharedReference.path("vocab/ggml-vocab-" + v + ".gguf"))) {
                return Tokenizer.fromGguf(gguf);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static Path vectors(String vocab, String ext) {
        return SharedReference.path("vocab/ggml-vocab-" + vocab + ".gguf." + ext);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "qwen2", "phi-3", "llama-spm", "gpt-2"})
    void everyTextGivesLlamaCppsIds(String vocab) throws IOException {
        Tokenizer tok = tokenizer(vocab);
        List<String> texts = TestVectorFile.readInputs(vectors(vocab, "inp"));
        List<int[]> expected = TestVectorFile.readOutputs(vectors(vocab, "out"));
        assertEquals(expected.size(), texts.size(), "one .out line per .inp text");
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = tok.encode(texts.get(i), false, false);
            assertArrayEquals(expected.get(i), ids, vocab + " case " + i + ": '" + texts.get(i) + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "qwen2", "phi-3", "llama-spm", "gpt-2"})
    void tokensGiveTheTextBack(String vocab) throws IOException {
        Tokenizer tok = tokenizer(vocab);
        boolean sentencePiece = tok.vocabulary().model() == Vocabulary.Model.SENTENCEPIECE;
        for (String text : TestVectorFile.readInputs(vectors(vocab, "inp"))) {
            int[] ids = tok.encode(text, false, false);
            // The pieces are lossless: byte-level BPE spells every byte, SentencePiece falls back to byte tokens.
            ByteArrayOutputStream pieces = new ByteArrayOutputStream();
            for (int id : ids) {
                pieces.writeBytes(tok.piece(id, true));
            }
            String spelled = (sentencePiece && !text.isEmpty() ? " " : "") + text;
            assertEquals(spelled, pieces.toString(StandardCharsets.UTF_8), vocab + ": pieces of '" + text + "'");
            // Decoding removes SentencePiece's leading space; GPT-2 and Llama 3 also clean up " ," and " 's".
            String decoded = tok.vocabulary().cleanSpaces()
                    ? new String(Detokenizer.cleanUpSpaces(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)
                    : text;
            assertEquals(decoded, tok.decode(ids), vocab + ": decode of '" + text + "'");
        }
    }
}
