package org.slmlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** GPT-2's byte table and the space clean-up llama.cpp applies when decoding. */
class DecodingTest {

    @Test
    void everyByteHasItsOwnVisibleStandIn() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevel.encode(b);
            seen.add(c);
            assertEquals(b, ByteLevel.decode(c));
            assertEquals(false, Character.isWhitespace(c) || Character.isISOControl(c), "byte " + b);
        }
        assertEquals(256, seen.size());
        assertEquals('Ġ', ByteLevel.encode(' '));
        assertEquals('Ċ', ByteLevel.encode('\n'));
        assertEquals('A', ByteLevel.encode('A'));
        assertEquals("ĠÃ©", ByteLevel.encode(" é")); // é is the two bytes C3 A9
        assertEquals(-1, ByteLevel.decode('€'));
    }

    private static String clean(String s) {
        return new String(Detokenizer.cleanUpSpaces(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void cleanUpRemovesTheSpacesTokenizersPutBeforePunctuation() {
        assertEquals("Hello, world! Really? Yes.", clean("Hello , world ! Really ? Yes ."));
        assertEquals("I'm sure you're right, it's what we've got", clean("I 'm sure you 're right , it 's what we 've got"));
        // 't 'd 'll keep their space (as in llama.cpp)
        assertEquals("don 't, he 'd, we 'll", clean("don 't , he 'd , we 'll"));
        assertEquals("rock'n roll", clean("rock ' n roll"));
        assertEquals("", clean(""));
        assertEquals(" ,", clean("  ,"));
    }
}
