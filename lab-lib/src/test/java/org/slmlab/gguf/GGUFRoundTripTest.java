package org.slmlab.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.testing.SharedReference;

/** Reading then writing every reference GGUF (models, quant, vocab) reproduces it byte for byte. */
class GGUFRoundTripTest {

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> readThenWriteIsByteIdentical() throws IOException {
        Path reference = SharedReference.reference();
        List<Path> files = Stream.of("models", "quant", "vocab").flatMap(d -> list(reference.resolve(d))).toList();
        assertFalse(files.isEmpty());
        return files.stream().map(in -> DynamicTest.dynamicTest(in.getFileName().toString(), () -> {
            Path out = tmp.resolve(in.getFileName());
            try (GGUFFile f = GGUFFile.open(in)) {
                GGUFWriter.copyOf(f).write(out);
            }
            assertEquals(-1, Files.mismatch(in, out), "first differing byte of " + out);
            Files.delete(out);
        }));
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".gguf")).sorted().toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
