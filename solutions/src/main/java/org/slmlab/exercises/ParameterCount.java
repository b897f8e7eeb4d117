package org.slmlab.exercises;

import org.slmlab.catalog.ModelSpec;
import org.slmlab.catalog.SizeClass;

/** Exercise 1, solved. */
public final class ParameterCount {

    private ParameterCount() {
    }

    public static long count(ModelSpec m) {
        long h = m.hiddenSize();
        long q = (long) m.heads() * m.headDim();
        long kv = (long) m.kvHeads() * m.headDim();
        long attention = h * q + 2 * h * kv + q * h;
        long ffn = 3 * h * m.ffnSize();
        long norms = 2 * h;
        switch (m.architecture()) {
            case "qwen3" -> norms += 2L * m.headDim();
            case "gemma3" -> norms += 2L * m.headDim() + 2 * h;
            case "bitnet" -> norms += h + m.ffnSize();
            default -> { }
        }
        long embedding = h * m.vocabSize();
        return embedding + m.layers() * (attention + ffn + norms) + h + (m.tiedEmbeddings() ? 0 : embedding);
    }

    public static SizeClass classify(long params) {
        if (params < 100_000_000L) {
            return SizeClass.TINY;
        }
        if (params < 1_500_000_000L) {
            return SizeClass.MICRO;
        }
        if (params < 14_000_000_000L) {
            return SizeClass.SMALL;
        }
        return params <= 30_000_000_000L ? SizeClass.MEDIUM : SizeClass.LARGE;
    }
}
