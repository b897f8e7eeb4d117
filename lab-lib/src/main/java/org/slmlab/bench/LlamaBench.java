package org.slmlab.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.slmlab.catalog.Footprint;
import org.slmlab.engine.Session;
import org.slmlab.engine.Transformer;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.model.Model;

/**
 * Measures a model the way llama.cpp's {@code llama-bench} does: a prompt-processing test ({@code pp}: n tokens in
 * one batch into an empty cache) and a generation test ({@code tg}: n tokens, one forward pass each), each run once
 * to warm up and then {@code repetitions} times; tokens/s is reported as mean ± standard deviation. Only the
 * forward passes are timed: the token ids are random (no tokenizer) and nothing is sampled.
 */
public final class LlamaBench {

    /**
     * @param nPrompt 0 skips the pp test; @param nGen 0 skips the tg test
     * @param kvType  the KV cache's element type, F32 or F16 (llama-bench's {@code -ctk/-ctv}, default f16 there)
     */
    public record Options(int nPrompt, int nGen, int repetitions, int threads, GgmlType kvType) {
        /** An F32 KV cache. */
        public Options(int nPrompt, int nGen, int repetitions, int threads) {
            this(nPrompt, nGen, repetitions, threads, GgmlType.F32);
        }

        public Options {
            if (nPrompt < 0 || nGen < 0 || nPrompt + nGen == 0) {
                throw new IllegalArgumentException("give a prompt size (-p) or a generation length (-n) above 0");
            }
            if (repetitions < 1 || threads < 1) {
                throw new IllegalArgumentException("repetitions and threads must be at least 1");
            }
        }
    }

    private LlamaBench() {
    }

    /** The pp and tg results for {@code file}; {@code progress} hears about each repetition. */
    public static List<BenchResult> run(Path file, Options o, Consumer<String> progress) throws IOException {
        try (Model model = Model.load(file);
             Session session = new Session(model, new Session.Options(Math.max(o.nPrompt(), o.nGen()) + 1, o.threads(), o.kvType()))) {
            BenchResult.ModelInfo info = describe(model.file(), file);
            int vocab = model.config().vocabSize();
            List<BenchResult> results = new ArrayList<>();
            if (o.nPrompt() > 0) {
                results.add(new BenchResult(info, o.nPrompt(), 0, o.threads(),
                        measure(session.transformer(), o, progress, "pp" + o.nPrompt(), o.nPrompt(), vocab, true)));
            }
            if (o.nGen() > 0) {
                results.add(new BenchResult(info, 0, o.nGen(), o.threads(),
                        measure(session.transformer(), o, progress, "tg" + o.nGen(), o.nGen(), vocab, false)));
            }
            return results;
        }
    }

    /** Tokens/s of each repetition after one warm-up run. */
    private static double[] measure(Transformer t, Options o, Consumer<String> progress, String test, int tokens,
                                    int vocab, boolean batched) {
        SplittableRandom random = new SplittableRandom(1234);
        double[] samples = new double[o.repetitions()];
        for (int rep = -1; rep < o.repetitions(); rep++) {
            int[] ids = random.ints(tokens, 0, vocab).toArray();
            var cache = t.newCache(tokens + 1, o.kvType());
            long start = System.nanoTime();
            if (batched) {
                t.forward(cache, ids, false, null);
            } else {
                for (int id : ids) {
                    t.forward(cache, new int[] {id}, false, null);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (rep >= 0) {
                samples[rep] = tokens / seconds;
                progress.accept(String.format("%s repetition %d/%d: %.2f t/s", test, rep + 1, o.repetitions(), samples[rep]));
            }
        }
        return samples;
    }

    static BenchResult.ModelInfo describe(GGUFFile f, Path file) {
        long size = f.tensors().stream().mapToLong(TensorInfo::byteSize).sum();
        long params = f.tensors().stream().mapToLong(TensorInfo::elementCount).sum();
        String arch = f.getString("general.architecture");
        String fileType = Footprint.fileTypeName(f);
        return new BenchResult.ModelInfo(file.getFileName().toString(), arch + " " + sizeLabel(params) + " " + fileType,
                fileType, size, params);
    }

    /** "0.6B", "135M": how llama.cpp labels a model's size. */
    static String sizeLabel(long params) {
        return params >= 1_000_000_000L ? String.format("%.1fB", params / 1e9) : String.format("%dM", Math.round(params / 1e6));
    }
}
