package org.slmlab.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.slmlab.testing.SharedReference;

/**
 * Every file of {@code reference/malformed} is accepted or rejected as llama.cpp does (index.json records what
 * {@code gguf_init_from_file} did with it, reading the tensor data too), with one deliberate difference:
 * a shape whose element count overflows 64 bits, which llama.cpp accepts when the product wraps to 0.
 */
class GGUFMalformedTest {

    /** Files llama.cpp accepts that we reject, and why. */
    private static final Map<String, String> STRICTER_THAN_LLAMA_CPP = Map.of(
            "dims_overflow.gguf", "shape [2^40, 2^40] has 2^80 elements; llama.cpp's int64 product wraps to 0");

    @TestFactory
    Stream<DynamicTest> acceptsAndRejectsLikeLlamaCpp() throws IOException {
        Path dir = SharedReference.path("malformed");
        JsonNode index = new ObjectMapper().readTree(dir.resolve("index.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : index.get("cases")) {
            String name = c.get("file").asText();
            boolean accept = c.get("llama_cpp_accepts").asBoolean() && !STRICTER_THAN_LLAMA_CPP.containsKey(name);
            Path file = dir.resolve(name);
            tests.add(DynamicTest.dynamicTest(name + (accept ? " accepted" : " rejected"), () -> {
                if (accept) {
                    try (GGUFFile f = GGUFFile.open(file)) {
                        for (TensorInfo t : f.tensors()) {
                            assertEquals(t.byteSize(), f.tensorData(t).byteSize());
                        }
                    }
                } else {
                    GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> GGUFFile.open(file).close(),
                            c.get("description").asText());
                    assertTrue(e.getMessage().startsWith(file + ": at byte " + e.offset() + ", "), e.getMessage());
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void messagesNameTheFieldAndWhatWasExpected() {
        Path dir = SharedReference.path("malformed");
        assertMessage(dir, "bad_magic.gguf", 0, "magic", "expected 'GGUF', found 'GGUX'");
        assertMessage(dir, "version_1.gguf", 4, "version", "v1");
        assertMessage(dir, "version_99.gguf", 4, "version", "newer than 3");
        assertMessage(dir, "version_big_endian_3.gguf", 4, "version", "big-endian");
        assertMessage(dir, "tensor_count_huge.gguf", 8, "tensor_count", "4611686018427387904");
        assertMessage(dir, "kv_count_huge.gguf", 16, "kv_count", "4611686018427387904");
        assertMessage(dir, "string_len_huge.gguf", -1, "value of 'general.architecture'", "4611686018427387904");
        assertMessage(dir, "array_count_huge.gguf", -1, "length of array 'golden.arr_i32'", "4611686018427387904");
        assertMessage(dir, "array_of_arrays.gguf", -1, "element type of array 'golden.arr_nested'", "arrays of arrays");
        assertMessage(dir, "ggml_type_removed_4.gguf", -1, "tensor 't0' type", "removed");
        assertMessage(dir, "tensor_offset_unaligned.gguf", -1, "tensor 't1' offset", "expected 32");
        assertMessage(dir, "dims_overflow.gguf", -1, "tensor 't1' shape", "overflows");
        assertMessage(dir, "trunc_in_data.gguf", -1, "tensor data", "the file ends at byte 396");
        assertMessage(dir, "alignment_wrong_type.gguf", -1, "general.alignment", "expected a UINT32, found STRING");
        assertMessage(dir, "duplicate_key.gguf", -1, "key of key-value pair", "'golden.u32' appears twice");
        assertMessage(dir, "empty_file.gguf", 0, "magic", "only 0 bytes");
    }

    private static void assertMessage(Path dir, String name, long offset, String field, String fragment) {
        GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> GGUFFile.open(dir.resolve(name)).close());
        if (offset >= 0) {
            assertEquals(offset, e.offset(), e.getMessage());
        }
        assertTrue(e.field().startsWith(field), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
