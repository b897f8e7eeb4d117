package org.slmlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pre-tokenizer families. The expected words follow from each family's regular expression as llama.cpp runs it
 * (ordered alternatives, greedy repetition, {@code \p{L}} and friends by Unicode category).
 */
class PreTokenizerTest {

    private static List<String> split(PreTokenizer.Family family, String text) {
        return PreTokenizer.of(family).split(text);
    }

    @Test
    void gpt2KeepsNumbersWholeAndContractionsLowerCase() {
        assertEquals(List.of("Hello", ",", " world", "!", " 1234"), split(PreTokenizer.Family.GPT2, "Hello, world! 1234"));
        assertEquals(List.of("don", "'t", " DON", "'", "T"), split(PreTokenizer.Family.GPT2, "don't DON'T"));
        // \s+(?!\S): the last space of a run goes to the next word
        assertEquals(List.of("x", "\n\n ", " y"), split(PreTokenizer.Family.GPT2, "x\n\n  y"));
        assertEquals(List.of("(", "hello", ")"), split(PreTokenizer.Family.GPT2, "(hello)"));
    }

    @Test
    void llama3GroupsDigitsByThreeAndTakesOneLeadingCharacter() {
        assertEquals(List.of("123", "45", " ", "67"), split(PreTokenizer.Family.LLAMA3, "12345 67"));
        assertEquals(List.of("don", "'t", " DON", "'T"), split(PreTokenizer.Family.LLAMA3, "don't DON'T"));
        assertEquals(List.of("(hello", ")"), split(PreTokenizer.Family.LLAMA3, "(hello)"));
        assertEquals(List.of("x", "\n\n", " ", " y"), split(PreTokenizer.Family.LLAMA3, "x\n\n  y"));
        assertEquals(List.of("Élan", " vital"), split(PreTokenizer.Family.LLAMA3, "Élan vital"));
    }

    @Test
    void qwen2SplitsEveryDigit() {
        assertEquals(List.of("Hello", ",", " world", "!", " ", "1", "2", "3", "4"),
                split(PreTokenizer.Family.QWEN2, "Hello, world! 1234"));
        assertEquals(List.of("3", ".", "1", "4"), split(PreTokenizer.Family.QWEN2, "3.14"));
        assertEquals(List.of("path", "/to", "\n"), split(PreTokenizer.Family.QWEN2, "path/to\n"));
    }

    @Test
    void gpt4oSplitsCamelCaseAndKeepsContractionsOnTheWord() {
        assertEquals(List.of("Hello", "World", " I'm", " fine"), split(PreTokenizer.Family.GPT4O, "HelloWorld I'm fine"));
        assertEquals(List.of("hello", "WORLD", " ABCdef"), split(PreTokenizer.Family.GPT4O, "helloWORLD ABCdef"));
        assertEquals(List.of("don't", " DON'T"), split(PreTokenizer.Family.GPT4O, "don't DON'T"));
        // a non-ASCII letter counts as upper and lower case at once
        assertEquals(List.of("Élan", " vital"), split(PreTokenizer.Family.GPT4O, "Élan vital"));
        assertEquals(List.of("123", "45", " ", "67"), split(PreTokenizer.Family.GPT4O, "12345 67"));
    }

    @Test
    void smollmCutsDigitsFirstThenUsesGpt2() {
        assertEquals(List.of("abc", "1", "2", "3", " def"), split(PreTokenizer.Family.SMOLLM, "abc123 def"));
        assertEquals(List.of("1", "2", "3", "4", "5", " ", "6", "7"), split(PreTokenizer.Family.SMOLLM, "12345 67"));
    }

    @Test
    void defaultCutsPunctuationFirstAndNumbersIntoThrees() {
        // stage 1 cuts at the apostrophe, so GPT-2's contraction rule never sees "'m"
        assertEquals(List.of("HelloWorld", " I", "'", "m", " fine"), split(PreTokenizer.Family.DEFAULT, "HelloWorld I'm fine"));
        assertEquals(List.of("Hello", ",", " world", "!", " ", "123", "4"),
                split(PreTokenizer.Family.DEFAULT, "Hello, world! 1234"));
        assertEquals(List.of("$", "5", " ", "~", "x", " ", "|", "y"), split(PreTokenizer.Family.DEFAULT, "$5 ~x |y"));
    }

    @Test
    void emptyTextHasNoWords() {
        for (PreTokenizer.Family f : PreTokenizer.Family.values()) {
            assertEquals(List.of(), split(f, ""), f.name());
        }
    }

    /**
     * llama.cpp runs GPT-2's and Llama 3's expressions through hand-written scanners; so does this package. On many
     * random texts mixing every kind of character they must cut exactly where the expressions cut.
     */
    @Test
    void scannersCutWhereTheirRegularExpressionsCut() {
        String llama3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        SplitStage[][] pairs = {
            {new Llama3Splitter(), new RegexSplitter(llama3)},
            {new Gpt2Splitter(), new RegexSplitter(PreTokenizer.GPT2_REGEX + "|\\s+")},
        };
        String[] alphabet = {"a", "B", "é", "中", "1", "٣", " ", "  ", "\n", "\r", "\t", "\u00A0", "'", "s", "S", "t",
            "l", "L", "e", ".", ",", "!", "$", "~", "😀", "\u0301", "\u200D", "\u0085", "\u3000", "/"};
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1 + random.nextInt(12); i > 0; i--) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = sb.toString();
            for (SplitStage[] pair : pairs) {
                assertEquals(words(pair[1], text), words(pair[0], text), pair[1] + " on '" + text + "'");
            }
        }
    }

    private static List<String> words(SplitStage stage, String text) {
        CodepointText cps = new CodepointText(text);
        Pieces pieces = stage.split(cps, Pieces.whole(cps.length()));
        List<String> words = new ArrayList<>();
        for (int i = 0; i < pieces.count(); i++) {
            words.add(cps.substring(pieces.start(i), pieces.end(i)));
        }
        return words;
    }

    @Test
    void collapsedRegexUsesCategoryMarkers() {
        assertEquals("[^\\r\\n\u00D2A-Za-z\u00D10-9]?[\u00D2A-Za-z]+",
                RegexSplitter.collapse("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"));
        assertEquals('\u00D2', CodepointText.collapse('é'));
        assertEquals('\u000B', CodepointText.collapse(0x3000)); // ideographic space
        assertEquals('\u00D5', CodepointText.collapse(0x1F600)); // emoji: a symbol
        assertEquals('\u00D0', CodepointText.collapse(0x200D)); // zero-width joiner: a format character
    }

    @Test
    void unknownPreTokenizerNamesTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreTokenizer.settings("klingon"));
        assertTrue(e.getMessage().contains("klingon") && e.getMessage().contains("qwen2"));
        assertEquals(PreTokenizer.Family.DEFAULT, PreTokenizer.settings("").family());
    }
}
