package org.slmlab.twin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slmlab.catalog.Catalog;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.quant.LlamaFileType;

/**
 * The small model the notebooks walk through, found the same way everywhere: a real model the student points at
 * with {@code SLMLAB_MODEL}; else Karpathy's stories260K from the lab's reference data ({@code shared/} beside the
 * project), a real trained model; else a SmolLM2-135M shape twin written to the temporary folder — same mechanics,
 * random weights, so its text is noise. Nothing requires the reference data.
 */
public final class TeachingModel {

    private TeachingModel() {
    }

    /** Where the teaching model is; writes the twin on first use. */
    public static Path path() throws IOException {
        String env = System.getenv("SLMLAB_MODEL");
        if (env != null && Files.isRegularFile(Path.of(env))) {
            return Path.of(env);
        }
        Optional<Path> stories = referenceModel("stories260K-F32.gguf");
        if (stories.isPresent()) {
            return stories.get();
        }
        Path twin = Path.of(System.getProperty("java.io.tmpdir"), "slmlab-twins", "smollm2-135m-F16.gguf");
        if (!Files.exists(twin)) {
            Files.createDirectories(twin.getParent());
            ShapeTwin.write(new ShapeTwin.Options(Catalog.get("smollm2-135m"), LlamaFileType.F16, false, 42, null), twin,
                    (i, n, name, t, d, total) -> { });
        }
        return twin;
    }

    /**
     * A file of the lab's reference models ({@code shared/reference/models/} beside the project: stories260K in
     * F32, Q8_0 and Q4_0, the synthetic minis, and llama.cpp's golden logits of each, {@code NAME.golden.gguf}),
     * or empty when the reference data is absent.
     */
    public static Optional<Path> referenceModel(String fileName) {
        Path home = Path.of(System.getProperty("slmlab.home", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path dir = home; dir != null; dir = dir.getParent()) {
            Path file = dir.resolveSibling("shared").resolve("reference/models").resolve(fileName);
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /** True when {@link #path()} is a trained model rather than a shape twin. */
    public static boolean isTrained(Path path) {
        try (GGUFFile file = GGUFFile.open(path)) {
            return !ShapeTwin.isTwin(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
