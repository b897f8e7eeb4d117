package org.slmlab.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.slmlab.testing.SharedReference;

/**
 * The reader's view of every reference GGUF equals gguf-py's, recorded in {@code reference/gguf/<stem>.reader.json}:
 * header fields, every key with its type and value (arrays: element type, length, first 3 elements) and every
 * tensor's name, type, shape, offset and size.
 */
class GGUFReaderJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> FOLDERS = List.of("models", "quant", "vocab");

    @TestFactory
    Stream<DynamicTest> readerViewEqualsGgufPy() throws IOException {
        Path reference = SharedReference.reference();
        List<Path> expected;
        try (Stream<Path> s = Files.list(reference.resolve("gguf"))) {
            expected = s.filter(p -> p.toString().endsWith(".reader.json")).sorted().toList();
        }
        assertFalse(expected.isEmpty(), "no reader.json files in " + reference.resolve("gguf"));
        return expected.stream().map(json -> DynamicTest.dynamicTest(json.getFileName().toString(), () -> {
            JsonNode want = MAPPER.readTree(json.toFile());
            Path gguf = FOLDERS.stream().map(d -> reference.resolve(d).resolve(want.get("file").asText()))
                    .filter(Files::exists).findFirst().orElseThrow(() -> new AssertionError("no GGUF for " + json));
            try (GGUFFile f = GGUFFile.open(gguf)) {
                // Through text and back, so that numbers are typed the same way on both sides.
                JsonNode got = MAPPER.readTree(MAPPER.writeValueAsString(GGUFJson.describe(f)));
                assertEquals(want, got, gguf.toString());
            }
        }));
    }
}
