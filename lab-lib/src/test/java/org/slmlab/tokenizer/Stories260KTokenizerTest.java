package org.slmlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.testing.SharedReference;

/**
 * The 512-token SentencePiece vocabulary of stories260K (a real, trained TinyStories model) against what llama.cpp
 * wrote into its golden file: the prompt's token ids and the text of the greedy continuation.
 */
class Stories260KTokenizerTest {

    private static Tokenizer tok;
    private static int[] goldenPrompt;
    private static int[] goldenGreedy;
    private static String promptText;
    private static String greedyText;

    @BeforeAll
    static void load() throws IOException {
        try (GGUFFile model = GGUFFile.open(SharedReference.path("models/stories260K-F32.gguf"))) {
            tok = Tokenizer.fromGguf(model);
        }
        try (GGUFFile golden = GGUFFile.open(SharedReference.path("models/stories260K-F32.golden.gguf"))) {
            goldenPrompt = ints(golden, "tokens");
            goldenGreedy = ints(golden, "greedy");
            promptText = golden.getString("golden.prompt_text");
            greedyText = golden.getString("golden.greedy_text");
        }
    }

    private static int[] ints(GGUFFile gguf, String tensor) {
        TensorInfo t = gguf.tensor(tensor);
        assertEquals(GgmlType.I32, t.type(), tensor);
        return gguf.tensorData(t).toArray(ValueLayout.JAVA_INT_UNALIGNED);
    }

    @Test
    void promptGivesTheGoldenTokensWithBos() {
        assertEquals(24, goldenPrompt.length);
        assertTrue(tok.addsBos());
        assertArrayEquals(goldenPrompt, tok.encode(promptText, true, false));
        assertEquals(1, tok.bos());
        assertEquals(2, tok.eos());
        assertTrue(tok.isEndOfGeneration(2));
    }

    @Test
    void promptDecodesBack() {
        // Without BOS, the first piece gives back the space SentencePiece added in front of "One".
        assertEquals(promptText, tok.decode(Arrays.copyOfRange(goldenPrompt, 1, goldenPrompt.length)));
        // After a BOS (shown or not, even when removeSpecial drops it) llama.cpp keeps that space.
        assertEquals(" " + promptText, tok.decode(goldenPrompt, false, false));
        assertEquals(" " + promptText, tok.decode(goldenPrompt, true, false));
        assertEquals("<s> " + promptText, tok.decode(goldenPrompt, false, true));
    }

    @Test
    void greedyTokensSpellTheGoldenText() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int id : goldenGreedy) {
            text.writeBytes(tok.piece(id, false));
        }
        assertEquals(greedyText, text.toString(StandardCharsets.UTF_8));
    }
}
