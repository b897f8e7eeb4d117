package org.slmlab.twin;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slmlab.catalog.ModelSpec;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.gguf.GGUFWriter;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.LlamaFileType;
import org.slmlab.quant.QuantCodec;
import org.slmlab.quant.QuantRecipe;

/**
 * A shape twin: a GGUF file with exactly the tensors, shapes, types and metadata of a real model — so its size,
 * its memory and its speed are the real model's — but random weights, so its text is noise. Twins let the course
 * measure 8B-parameter models on a machine that cannot download one.
 *
 * <p>Each tensor gets the type llama-quantize would give it ({@link QuantRecipe}). Matrices are drawn
 * N(0, 1/√fan_in), which keeps every layer's activations of order one; norm weights are near 1. Writing 8 billion
 * Gaussians would take minutes, so each matrix is built from a small pool of independently drawn and quantized
 * rows, picked at random for every row of the file: the bytes are real quantized data of the right distribution,
 * the file streams to disk, and the same seed always gives the same file.
 */
public final class ShapeTwin {

    /** Rows drawn and quantized per matrix; every row of the matrix is one of them. */
    static final int POOL_ROWS = 64;

    /**
     * @param vocabulary a GGUF whose {@code tokenizer.*} metadata to copy (its vocabulary must have the model's
     *     size), or null for a synthetic vocabulary
     */
    public record Options(ModelSpec model, LlamaFileType fileType, boolean pure, long seed, Path vocabulary) {
    }

    /** Progress per tensor: {@code done} of {@code total} bytes written so far. */
    @FunctionalInterface
    public interface Listener {
        void tensorWritten(int index, int count, String name, GgmlType type, long done, long total);
    }

    private ShapeTwin() {
    }

    /** Writes the twin to {@code out}; returns the bytes of tensor data written. */
    /** True when {@code file} was written by {@link #write} (its {@code general.name} says so). */
    public static boolean isTwin(GGUFFile file) {
        String name = file.metadata().containsKey("general.name") ? file.getString("general.name") : "";
        return name.endsWith(TwinMetadata.NAME_SUFFIX);
    }

    public static long write(Options o, Path out, Listener listener) throws IOException {
        if (o.vocabulary() == null) {
            return write(o, out, listener, SyntheticVocabulary.metadata(o.model().vocabSize()));
        }
        // The copied arrays are views of the vocabulary file: keep it open until the twin is written.
        try (GGUFFile vocabulary = GGUFFile.open(o.vocabulary())) {
            return write(o, out, listener, tokenizerOf(vocabulary, o.model()));
        }
    }

    private static long write(Options o, Path out, Listener listener, Map<String, GGUFValue> tokenizer)
            throws IOException {
        ModelSpec m = o.model();
        GGUFWriter writer = new GGUFWriter();
        writer.setAll(TwinMetadata.of(m, o.fileType()));
        writer.setAll(tokenizer);
        List<QuantRecipe.Choice> plan = m.tensorTypes(o.fileType(), o.pure());
        long total = plan.stream().mapToLong(c -> c.type().bytesFor(c.tensor().elementCount())).sum();
        long[] done = {0};
        int[] index = {0};
        for (QuantRecipe.Choice c : plan) {
            TensorInfo t = c.tensor();
            writer.addTensor(t.name(), c.type(), t.shape(), destination -> {
                fill(destination, m, t, c.type(), new SplittableRandom(o.seed() ^ t.name().hashCode() * 0x9E3779B97F4A7C15L));
                done[0] += destination.byteSize();
                listener.tensorWritten(++index[0], plan.size(), t.name(), c.type(), done[0], total);
            });
        }
        writer.write(out);
        return total;
    }

    /** The {@code tokenizer.*} metadata of a real vocabulary, which must have the model's size. */
    private static Map<String, GGUFValue> tokenizerOf(GGUFFile f, ModelSpec m) {
        long size = f.getArray("tokenizer.ggml.tokens").length();
        if (size != m.vocabSize()) {
            throw new IllegalArgumentException(f.path() + " has " + size + " tokens but " + m.name()
                    + " has a vocabulary of " + m.vocabSize());
        }
        Map<String, GGUFValue> tokenizer = new LinkedHashMap<>();
        f.metadata().forEach((k, v) -> {
            if (k.startsWith("tokenizer.")) {
                tokenizer.put(k, v);
            }
        });
        return tokenizer;
    }

    private static void fill(MemorySegment destination, ModelSpec m, TensorInfo t, GgmlType type, SplittableRandom random) {
        long rowLength = t.shape()[0];
        long rows = t.elementCount() / rowLength;
        if (t.dims() == 1) {
            float[] values = TwinWeights.vector(m, t.name(), (int) rowLength, random);
            quantize(type, values, destination, 0);
            return;
        }
        long rowBytes = type.bytesFor(rowLength);
        int pool = (int) Math.min(rows, POOL_ROWS);
        MemorySegment rowsPool = MemorySegment.ofArray(new byte[Math.toIntExact(rowBytes * pool)]);
        float std = (float) (1 / Math.sqrt(rowLength));
        for (int p = 0; p < pool; p++) {
            float[] row = new float[(int) rowLength];
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) random.nextGaussian() * std;
            }
            quantize(type, row, rowsPool, p * rowBytes);
        }
        for (long r = 0; r < rows; r++) {
            MemorySegment.copy(rowsPool, random.nextInt(pool) * rowBytes, destination, r * rowBytes, rowBytes);
        }
    }

    private static void quantize(GgmlType type, float[] values, MemorySegment dst, long offset) {
        QuantCodec codec = Codecs.of(type);
        codec.quantize(values, 0, dst, offset, values.length, null);
    }
}
