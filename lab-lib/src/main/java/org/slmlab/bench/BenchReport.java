package org.slmlab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.incubator.vector.FloatVector;

/** llama-bench's three output formats: a Markdown table, CSV and JSON — with llama-bench's own field names. */
public final class BenchReport {

    private BenchReport() {
    }

    public static String markdown(List<BenchResult> results) {
        StringBuilder s = new StringBuilder("| model | size | params | backend | threads | test | t/s |\n");
        s.append("| --- | ---: | ---: | --- | ---: | ---: | ---: |\n");
        for (BenchResult r : results) {
            s.append(String.format(Locale.ROOT, "| %s | %.2f MiB | %.2f M | %s | %d | %s | %.2f ± %.2f |%n",
                    r.model().type(), r.model().sizeBytes() / 1048576.0, r.model().parameters() / 1e6, backend(),
                    r.threads(), r.test(), r.avgTs(), r.stddevTs()));
        }
        return s.toString();
    }

    public static String csv(List<BenchResult> results) {
        StringBuilder s = new StringBuilder(String.join(",", rows(results).getFirst().keySet())).append('\n');
        for (Map<String, Object> row : rows(results)) {
            s.append(row.values().stream().map(BenchReport::csvField).collect(Collectors.joining(","))).append('\n');
        }
        return s.toString();
    }

    public static String json(List<BenchResult> results) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows(results));
    }

    /** One llama-bench record per result, plus what a JVM run needs to be compared fairly. */
    static List<Map<String, Object>> rows(List<BenchResult> results) {
        return results.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("build_commit", System.getProperty("slmlab.commit", "unknown"));
            m.put("cpu_info", cpuModel());
            m.put("backends", backend());
            m.put("model_filename", r.model().filename());
            m.put("model_type", r.model().type());
            m.put("model_size", r.model().sizeBytes());
            m.put("model_n_params", r.model().parameters());
            m.put("n_batch", Math.max(r.nPrompt(), 1));
            m.put("n_threads", r.threads());
            m.put("type_k", "f32");
            m.put("type_v", "f32");
            m.put("n_prompt", r.nPrompt());
            m.put("n_gen", r.nGen());
            m.put("test_time", Instant.now().toString());
            // Like llama-bench: the ns statistics are of the per-repetition times, not derived from the t/s ones.
            double[] ns = r.samplesNs();
            m.put("avg_ns", Math.round(BenchResult.mean(ns)));
            m.put("stddev_ns", Math.round(BenchResult.stddev(ns)));
            m.put("avg_ts", r.avgTs());
            m.put("stddev_ts", r.stddevTs());
            m.put("samples_ns", Arrays.stream(ns).mapToLong(Math::round).toArray());
            m.put("samples_ts", r.samplesTs());
            m.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
            m.put("cpu_flags", cpuFlags());
            m.put("vector_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
            return m;
        }).toList();
    }

    private static String backend() {
        return "CPU (Java Vector API)";
    }

    private static String csvField(Object v) {
        String s = v instanceof double[] d ? Arrays.toString(d) : v instanceof long[] l ? Arrays.toString(l) : String.valueOf(v);
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static String cpuModel() {
        return cpuinfo("model name");
    }

    /** The SIMD flags that decide kernel speed (from /proc/cpuinfo; empty elsewhere). */
    private static String cpuFlags() {
        return Arrays.stream(cpuinfo("flags").split(" "))
                .filter(f -> f.startsWith("avx") || f.startsWith("fma") || f.startsWith("f16c") || f.startsWith("amx"))
                .collect(Collectors.joining(" "));
    }

    private static String cpuinfo(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith(field))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
