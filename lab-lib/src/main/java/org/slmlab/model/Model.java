package org.slmlab.model;

import java.io.IOException;
import java.nio.file.Path;
import org.slmlab.gguf.GGUFFile;

/**
 * A model opened from a GGUF file: its configuration and its memory-mapped weights. Closing it unmaps the file.
 */
public final class Model implements AutoCloseable {

    private final GGUFFile file;
    private final ModelConfig config;
    private final ModelWeights weights;

    private Model(GGUFFile file, ModelConfig config, ModelWeights weights) {
        this.file = file;
        this.config = config;
        this.weights = weights;
    }

    /** Opens {@code path}, reads its configuration and maps its weights (nothing is dequantized). */
    public static Model load(Path path) throws IOException {
        GGUFFile file = GGUFFile.open(path);
        try {
            ModelConfig cfg = ModelConfigReader.read(file);
            return new Model(file, cfg, WeightLoader.load(file, cfg));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public GGUFFile file() {
        return file;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    @Override
    public void close() {
        file.close();
    }
}
