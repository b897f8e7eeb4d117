package org.slmlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Special tokens in the real vocabularies: which ids llama.cpp finds, and how their text is tokenized. */
class SpecialTokensTest {

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
    }

    @Test
    void endOfGenerationTokensAreFoundByIdAndByText() {
        Tokenizer llama3 = VocabTestVectorsTest.tokenizer("llama-bpe");
        assertEquals(128009, llama3.eot()); // <|eot_id|>, recognised by its text
        assertEquals(Set.of(128001, 128009), llama3.vocabulary().endOfGeneration());
        Tokenizer qwen = VocabTestVectorsTest.tokenizer("qwen2");
        assertEquals(151645, qwen.eot()); // <|im_end|>
        assertTrue(qwen.isEndOfGeneration(151643) && qwen.isEndOfGeneration(151645));
        Tokenizer phi3 = VocabTestVectorsTest.tokenizer("phi-3");
        assertEquals(32007, phi3.eot()); // <|end|>
        assertEquals(Set.of(2, 32000, 32007), phi3.vocabulary().endOfGeneration());
    }

    @Test
    void chatMarkupBecomesSingleTokensOnlyWithParseSpecial() {
        Tokenizer qwen = VocabTestVectorsTest.tokenizer("qwen2");
        String turn = "<|im_start|>user\nHi<|im_end|>";
        assertArrayEquals(concat(new int[] {151644}, qwen.encode("user\nHi", false, false), new int[] {151645}),
                qwen.encode(turn, false, true));
        int[] asText = qwen.encode(turn, false, false);
        assertTrue(IntStream.of(asText).noneMatch(id -> id == 151644 || id == 151645));
        assertEquals(turn, qwen.decode(asText));
    }

    @Test
    void userDefinedTokensAreSplitOutEvenWithoutParseSpecial() {
        Tokenizer qwen = VocabTestVectorsTest.tokenizer("qwen2");
        assertTrue(qwen.vocabulary().has(151646, TokenAttributes.USER_DEFINED));
        assertArrayEquals(concat(qwen.encode("a", false, false), new int[] {151646}, qwen.encode(" b", false, false)),
                qwen.encode("a[PAD151646] b", false, false));
    }

    @Test
    void phi3SpecialTokensEatTheWhitespaceAfterThem() {
        // llama.cpp gives every special token of a model named Phi-3 the rstrip attribute; the text after a special
        // token gets SentencePiece's leading space again.
        Tokenizer phi3 = VocabTestVectorsTest.tokenizer("phi-3");
        assertTrue(phi3.vocabulary().has(32010, TokenAttributes.RSTRIP));
        assertArrayEquals(concat(new int[] {32010}, phi3.encode("Hi", false, false), new int[] {32007}),
                phi3.encode("<|user|>\n Hi<|end|>", false, true));
        // </s> is user-defined in this file, but llama.cpp makes it a control token (it ends a generation), so
        // without parseSpecial it is plain text.
        assertTrue(phi3.vocabulary().has(2, TokenAttributes.CONTROL));
        assertTrue(IntStream.of(phi3.encode("Hello</s> world", false, false)).noneMatch(id -> id == 2));
        // In Llama 2's file, without the Phi-3 rule, the space after </s> stays.
        Tokenizer llama2 = VocabTestVectorsTest.tokenizer("llama-spm");
        assertArrayEquals(concat(llama2.encode("Hello", false, false), new int[] {2}, llama2.encode(" world", false, false)),
                llama2.encode("Hello</s> world", false, true));
    }
}
