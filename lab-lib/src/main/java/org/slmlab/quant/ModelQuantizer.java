package org.slmlab.quant;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.gguf.GGUFWriter;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;

/**
 * Quantizes a whole GGUF model like {@code llama-quantize}: every tensor gets the type {@link QuantRecipe}
 * chooses, is converted (dequantized to float first when the input is already quantized) and streamed into the
 * output file; tensors that keep their type are copied byte for byte. All metadata is kept, in order, and
 * {@code general.quantization_version} and {@code general.file_type} are set (moved to the end) as llama.cpp
 * does; its split keys are dropped.
 *
 * <p>Rows are independent, so each tensor is cut into chunks of rows that the worker threads convert straight
 * into the output mapping. The bytes do not depend on the number of threads.
 */
public final class ModelQuantizer {

    /** GGML_QNT_VERSION: the current generation of the quantized block formats. */
    public static final int QUANTIZATION_VERSION = 2;

    /** llama.cpp's smallest chunk: rows are grouped until a chunk holds at least this many weights. */
    private static final int MIN_CHUNK_WEIGHTS = 32 * 512;

    private static final List<String> SPLIT_KEYS = List.of("split.no", "split.count", "split.tensors.count");

    /**
     * @param fileType the recipe
     * @param pure     one type for every quantizable tensor (llama-quantize --pure)
     * @param threads  worker threads (≥ 1)
     * @param imatrix  importance matrix, or null
     */
    public record Options(LlamaFileType fileType, boolean pure, int threads, ImportanceMatrix imatrix) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }
    }

    /** Where the work stands; {@code done}/{@code total} count input bytes. */
    public record Progress(int index, int count, QuantRecipe.Choice choice, long tensorDone, long tensorBytes,
            long done, long total) {
    }

    @FunctionalInterface
    public interface Listener {
        void update(Progress p);
    }

    /** What was written. */
    public record Summary(int tensors, int converted, int fallbacks, long bytesIn, long bytesOut) {
    }

    private ModelQuantizer() {
    }

    public static Summary quantize(Path input, Path output, Options options, Listener listener) throws IOException {
        try (GGUFFile in = GGUFFile.open(input);
             ExecutorService workers = Executors.newFixedThreadPool(options.threads(), r -> {
                 Thread t = new Thread(r, "quantize");
                 t.setDaemon(true);
                 return t;
             })) {
            QuantRecipe recipe = new QuantRecipe(options.fileType(), options.pure(), options.imatrix() != null,
                    QuantRecipe.Model.of(in));
            List<QuantRecipe.Choice> plan = recipe.plan(in.tensors());
            checkCodecs(plan);

            GGUFWriter out = new GGUFWriter().setAll(in.metadata());
            SPLIT_KEYS.forEach(out::remove);
            // llama.cpp's gguf_set_val removes a key and appends it: both end up last, in this order
            out.remove("general.quantization_version").set("general.quantization_version",
                    GGUFValue.ofUInt32(QUANTIZATION_VERSION));
            out.remove("general.file_type").set("general.file_type", GGUFValue.ofUInt32(options.fileType().id()));

            long total = plan.stream().mapToLong(c -> c.tensor().byteSize()).sum();
            long[] done = {0};
            int converted = 0;
            int fallbacks = 0;
            long bytesOut = 0;
            for (int i = 0; i < plan.size(); i++) {
                QuantRecipe.Choice c = plan.get(i);
                TensorInfo t = c.tensor();
                int index = i;
                MemorySegment source = in.tensorData(t);
                float[] importance = importanceFor(t, c, options);
                out.addTensor(t.name(), c.type(), t.shape(), destination -> {
                    if (c.quantize()) {
                        convert(t, source, c.type(), importance, destination, workers,
                                d -> listener.update(new Progress(index, plan.size(), c, d, t.byteSize(),
                                        done[0] + d, total)));
                    } else {
                        MemorySegment.copy(source, 0, destination, 0, source.byteSize());
                    }
                    done[0] += t.byteSize();
                    listener.update(new Progress(index, plan.size(), c, t.byteSize(), t.byteSize(), done[0], total));
                });
                converted += c.quantize() ? 1 : 0;
                fallbacks += c.fallback() ? 1 : 0;
                bytesOut += c.type().bytesFor(t.elementCount());
            }
            out.write(output);
            return new Summary(plan.size(), converted, fallbacks, total, bytesOut);
        }
    }

    /**
     * The imatrix rows of a tensor, checked as llama-quantize checks them: one row per expert, or none at all
     * (the token embedding is used with any input, so a mismatch there only drops its imatrix).
     */
    private static float[] importanceFor(TensorInfo t, QuantRecipe.Choice c, Options options) {
        float[] rows = options.imatrix() == null || !c.quantize() ? null : options.imatrix().of(t.name());
        if (rows != null && rows.length != t.rowLength() * t.ne(2)) {
            if (!t.name().equals("token_embd.weight")) {
                throw new IllegalArgumentException("imatrix for " + t.name() + " has " + rows.length
                        + " values, expected " + t.rowLength() * t.ne(2) + " (row length × experts)");
            }
            rows = null;
        }
        if (rows == null && c.quantize() && QuantRecipe.requiresImatrix(t.name(), c.type(), options.fileType())) {
            throw new IllegalArgumentException("the importance matrix has no entry for " + t.name() + ", which "
                    + c.type() + " cannot do without");
        }
        return rows;
    }

    /** Fails before any work when a type can be neither read nor written by this version. */
    private static void checkCodecs(List<QuantRecipe.Choice> plan) {
        for (QuantRecipe.Choice c : plan) {
            if (!c.quantize()) {
                continue;
            }
            for (GgmlType type : new GgmlType[] {c.tensor().type(), c.type()}) {
                if (!Codecs.supports(type)) {
                    throw new UnsupportedOperationException(c.tensor().name() + ": converting " + c.tensor().type()
                            + " to " + c.type() + " needs a " + type + " codec, which this version of SLM Lab lacks");
                }
            }
        }
    }

    @FunctionalInterface
    private interface ChunkDone {
        void bytesDone(long sourceBytes);
    }

    /** Converts every row of {@code t}, in parallel chunks of rows, into {@code destination}. */
    private static void convert(TensorInfo t, MemorySegment source, GgmlType target, float[] importance,
            MemorySegment destination, ExecutorService workers, ChunkDone progress) throws IOException {
        QuantCodec from = Codecs.of(t.type());
        QuantCodec to = Codecs.of(target);
        int rowLength = Math.toIntExact(t.rowLength());
        long rows = t.rows();
        long rowsPerMatrix = t.ne(1);
        long srcRowBytes = t.type().bytesFor(rowLength);
        long dstRowBytes = target.bytesFor(rowLength);
        int chunkRows = Math.max(1, MIN_CHUNK_WEIGHTS / rowLength);
        List<Future<Long>> chunks = new ArrayList<>();
        for (long first = 0; first < rows; first += chunkRows) {
            long start = first;
            long end = Math.min(rows, first + chunkRows);
            chunks.add(workers.submit(() -> {
                float[] row = new float[rowLength];
                float[] rowImportance = null;
                for (long r = start; r < end; r++) {
                    from.dequantize(source, r * srcRowBytes, row, 0, rowLength);
                    if (importance != null) {
                        // each expert (matrix along ne[2]) has its own importance row
                        int matrix = (int) (r / rowsPerMatrix);
                        if (rowImportance == null) {
                            rowImportance = new float[rowLength];
                        }
                        System.arraycopy(importance, matrix * rowLength, rowImportance, 0, rowLength);
                    }
                    to.quantize(row, 0, destination, r * dstRowBytes, rowLength, rowImportance);
                }
                return (end - start) * srcRowBytes;
            }));
        }
        long done = 0;
        try {
            for (Future<Long> f : chunks) {
                done += f.get();
                progress.bytesDone(done);
            }
        } catch (InterruptedException e) {
            chunks.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while quantizing " + t.name(), e);
        } catch (ExecutionException e) {
            chunks.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("quantizing " + t.name() + " failed: " + e.getCause(), e.getCause());
        }
    }
}
