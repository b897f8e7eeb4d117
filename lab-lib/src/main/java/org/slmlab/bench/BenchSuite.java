package org.slmlab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.slmlab.catalog.Catalog;
import org.slmlab.catalog.ModelSpec;
import org.slmlab.quant.LlamaFileType;
import org.slmlab.twin.ShapeTwin;

/**
 * {@code ./lab bench --suite qwen3-0.6b}: the model's shape twin in each quantization type the course compares,
 * benchmarked one after the other, each in a JVM of its own ({@link ForkedBench}), next to llama.cpp's numbers on the same shapes
 * ({@code datasets/llama-cpp-bench.csv}); a Markdown table, the same as CSV and a chart are written to the output
 * folder ({@code target/bench/} from the command line, where notebook 07 looks for them).
 */
public final class BenchSuite {

    /** The types of the course's comparison, largest first. */
    public static final List<LlamaFileType> TYPES = List.of(LlamaFileType.F16, LlamaFileType.Q8_0, LlamaFileType.Q6_K,
            LlamaFileType.Q5_1, LlamaFileType.Q4_K_M, LlamaFileType.Q4_0, LlamaFileType.TQ2_0);

    /** One row of the suite: our result beside llama.cpp's, when the reference has one. */
    public record Row(LlamaFileType type, BenchResult pp, BenchResult tg, Double llamaCppPp, Double llamaCppTg) {
    }

    private BenchSuite() {
    }

    /**
     * @param cache where the twins are kept between runs (writing one takes seconds to minutes)
     * @param out   where the table ({@code <model>.md}) and the chart ({@code <model>.png}) go
     */
    public static List<Row> run(String modelId, LlamaBench.Options o, Path cache, Path out, Consumer<String> progress)
            throws IOException {
        ModelSpec m = Catalog.get(modelId);
        Files.createDirectories(cache);
        Map<String, double[]> reference = llamaCppReference(m.id());
        List<Row> rows = new ArrayList<>();
        for (LlamaFileType type : TYPES) {
            Path twin = cache.resolve(m.id() + "-" + type + ".gguf");
            if (!Files.exists(twin)) {
                progress.accept("writing the " + type + " twin of " + m.name() + " to " + twin);
                ShapeTwin.write(new ShapeTwin.Options(m, type, false, 42, null), twin, (i, n, name, t, d, total) -> { });
            }
            progress.accept("benchmarking " + twin.getFileName());
            List<BenchResult> r = ForkedBench.run(twin, o, progress);
            BenchResult pp = r.stream().filter(x -> x.nPrompt() > 0).findFirst().orElse(null);
            BenchResult tg = r.stream().filter(x -> x.nGen() > 0).findFirst().orElse(null);
            double[] ref = reference.get(type.name());
            rows.add(new Row(type, pp, tg, ref == null ? null : ref[0], ref == null ? null : ref[1]));
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve(m.id() + ".md"), markdown(m, o, rows));
        Files.writeString(out.resolve(m.id() + ".csv"), csv(rows));
        BitmapEncoder.saveBitmap(chart(m, rows), out.resolve(m.id()).toString(), BitmapEncoder.BitmapFormat.PNG);
        return rows;
    }

    public static String markdown(ModelSpec m, LlamaBench.Options o, List<Row> rows) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "# %s shape twin, %d threads (SLM Lab pp%d / tg%d; llama.cpp pp64 / tg32 on the reference machine)%n%n",
                m.name(), o.threads(), o.nPrompt(), o.nGen()));
        s.append("| type | size MB | pp t/s | llama.cpp pp64 | tg t/s | llama.cpp tg32 |\n|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            BenchResult any = r.pp() != null ? r.pp() : r.tg();
            s.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %s | %s |%n", r.type(), any.model().sizeBytes() / 1e6,
                    cell(r.pp()), r.llamaCppPp() == null ? "" : r.llamaCppPp(), cell(r.tg()),
                    r.llamaCppTg() == null ? "" : r.llamaCppTg()));
        }
        return s.toString();
    }

    /**
     * The rows as CSV, one line per type, for a notebook to load ({@code Table.read().csv(...)}); a test that was
     * not run, or a type llama.cpp's reference lacks, leaves its fields empty.
     */
    public static String csv(List<Row> rows) {
        StringBuilder s = new StringBuilder("type,size_bytes,threads,n_prompt,pp_ts,pp_stddev_ts,n_gen,tg_ts,tg_stddev_ts,"
                + "llama_cpp_pp64,llama_cpp_tg32\n");
        for (Row r : rows) {
            BenchResult any = r.pp() != null ? r.pp() : r.tg();
            s.append(String.join(",", r.type().name(), Long.toString(any.model().sizeBytes()), Integer.toString(any.threads()),
                    r.pp() == null ? "" : Integer.toString(r.pp().nPrompt()), mean(r.pp()), sd(r.pp()),
                    r.tg() == null ? "" : Integer.toString(r.tg().nGen()), mean(r.tg()), sd(r.tg()),
                    r.llamaCppPp() == null ? "" : r.llamaCppPp().toString(),
                    r.llamaCppTg() == null ? "" : r.llamaCppTg().toString())).append('\n');
        }
        return s.toString();
    }

    private static String mean(BenchResult r) {
        return r == null ? "" : String.format(Locale.ROOT, "%.3f", r.avgTs());
    }

    private static String sd(BenchResult r) {
        return r == null ? "" : String.format(Locale.ROOT, "%.3f", r.stddevTs());
    }

    private static String cell(BenchResult r) {
        return r == null ? "" : String.format(Locale.ROOT, "%.2f ± %.2f", r.avgTs(), r.stddevTs());
    }

    static CategoryChart chart(ModelSpec m, List<Row> rows) {
        CategoryChart c = new CategoryChartBuilder().width(900).height(500)
                .title(m.name() + " shape twin: generation speed").xAxisTitle("type").yAxisTitle("tokens/s (tg)").build();
        List<String> types = rows.stream().map(r -> r.type().name()).toList();
        c.addSeries("SLM Lab", types, rows.stream().map(r -> r.tg() == null ? 0.0 : r.tg().avgTs()).toList());
        c.addSeries("llama.cpp", types, rows.stream().map(r -> r.llamaCppTg() == null ? 0.0 : r.llamaCppTg()).toList());
        return c;
    }

    /** type → {pp64, tg32} of llama.cpp for this model, from the lab's datasets. */
    static Map<String, double[]> llamaCppReference(String modelId) throws IOException {
        Map<String, double[]> ref = new HashMap<>();
        try (InputStream in = BenchSuite.class.getResourceAsStream("/slmlab/datasets/llama-cpp-bench.csv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(",", -1);
                if (f[0].equals(modelId)) {
                    ref.put(f[1], new double[] {Double.parseDouble(f[4]), Double.parseDouble(f[5])});
                }
            }
        }
        return ref;
    }
}
