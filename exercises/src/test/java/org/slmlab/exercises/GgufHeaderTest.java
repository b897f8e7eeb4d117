package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GGUFArray;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.gguf.GGUFValueType;
import org.slmlab.gguf.GGUFWriter;
import org.slmlab.gguf.GgmlType;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;

@Exercise(number = 3, title = "Read a GGUF header and its metadata")
class GgufHeaderTest {

    static byte[] file;
    static Map<String, Object> expected;

    /** A small GGUF written by the lab's writer, and what the lab's reader sees in it. */
    @BeforeAll
    static void writeAFile() throws IOException {
        Path path = Files.createTempFile("exercise-3", ".gguf");
        try {
            new GGUFWriter()
                    .set("general.architecture", GGUFValue.of("llama"))
                    .set("general.name", GGUFValue.of("tiny ✓ model"))
                    .set("llama.block_count", GGUFValue.ofUInt32(4_000_000_000L))
                    .set("llama.rope.freq_base", GGUFValue.of(10000.5f))
                    .set("test.i8", new GGUFValue.IntValue(GGUFValueType.INT8, -7))
                    .set("test.u16", new GGUFValue.IntValue(GGUFValueType.UINT16, 65535))
                    .set("test.i64", GGUFValue.of(-1234567890123L))
                    .set("test.f64", GGUFValue.of(Math.PI))
                    .set("test.flag", GGUFValue.of(true))
                    .set("tokenizer.ggml.tokens", GGUFArray.ofStrings(List.of("<s>", "</s>", "▁hello", "")))
                    .set("tokenizer.ggml.scores", GGUFArray.ofFloats(0f, -1.5f, 2.25f, 3e-8f))
                    .set("tokenizer.ggml.token_type", GGUFArray.ofInts(3, 3, 1, -1))
                    .addTensor("t", new float[] {1, 2, 3, 4}, 4)
                    .addTensor("u", GgmlType.F32, new long[] {2}, new byte[8])
                    .write(path);
            file = Files.readAllBytes(path);
            try (GGUFFile gguf = GGUFFile.open(path)) {
                expected = new LinkedHashMap<>();
                gguf.metadata().forEach((k, v) -> expected.put(k, plain(v)));
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    private static Object plain(GGUFValue v) {
        return switch (v) {
            case GGUFValue.IntValue i -> i.value();
            case GGUFValue.FloatValue f -> f.value();
            case GGUFValue.BoolValue b -> b.raw() != 0;
            case GGUFValue.StringValue s -> s.value();
            case GGUFArray a -> {
                List<Object> list = new ArrayList<>();
                for (long i = 0; i < a.length(); i++) {
                    list.add(plain(a.get(i)));
                }
                yield list;
            }
        };
    }

    @Test
    @Points(2)
    void magicVersionAndCounts() {
        assertEquals(3, GgufHeader.version(file));
        assertEquals(2, GgufHeader.tensorCount(file));
    }

    @Test
    @Points(1)
    void rejectsAFileWithoutTheMagic() {
        byte[] bad = file.clone();
        bad[3] = 'X';
        assertThrows(IllegalArgumentException.class, () -> GgufHeader.version(bad));
    }

    @Test
    @Points(2)
    void scalarValuesOfEveryWidth() {
        Map<String, Object> actual = GgufHeader.metadata(file);
        for (String key : List.of("llama.block_count", "llama.rope.freq_base", "test.i8", "test.u16", "test.i64",
                "test.f64", "test.flag")) {
            assertEquals(expected.get(key), actual.get(key), key);
        }
    }

    @Test
    @Points(1)
    void stringsAreUtf8() {
        Map<String, Object> actual = GgufHeader.metadata(file);
        assertEquals(expected.get("general.name"), actual.get("general.name"));
        assertEquals(expected.get("general.architecture"), actual.get("general.architecture"));
    }

    @Test
    @Points(2)
    void arraysOfStringsAndNumbers() {
        Map<String, Object> actual = GgufHeader.metadata(file);
        for (String key : List.of("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type")) {
            assertEquals(expected.get(key), actual.get(key), key);
        }
    }

    @Test
    @Points(1)
    void everyKeyInFileOrder() {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(GgufHeader.metadata(file).keySet()));
    }
}
