package org.slmlab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;

/**
 * {@link LlamaBench#run} in a JVM of its own, as llama-bench's numbers for one file never depend on what ran before.
 *
 * <p>Why a JVM per file: one JVM that benchmarks several types in a row compiles the matmul call sites for all of
 * the codecs it has seen, and the later types run on that shared, slower code — measured on the Qwen3-0.6B twins,
 * Q8_0 generation at 3.4 t/s after F16 in the same JVM against 10.1 t/s in a fresh one, Q5_1 prompt processing at
 * 6.2 against 35.9.
 */
public final class ForkedBench {

    private static final String RESULT = "result ";

    private ForkedBench() {
    }

    /** Runs the benchmark of {@code file} in a child JVM; its progress lines go to {@code progress}. */
    public static List<BenchResult> run(Path file, LlamaBench.Options o, Consumer<String> progress) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true",
                "-Dslmlab.scalar=" + Boolean.getBoolean("slmlab.scalar"),
                "-cp", System.getProperty("java.class.path"), ForkedBench.class.getName(),
                file.toAbsolutePath().toString(), Integer.toString(o.nPrompt()), Integer.toString(o.nGen()),
                Integer.toString(o.repetitions()), Integer.toString(o.threads()), o.kvType().name()));
        BenchResult.ModelInfo info;
        try (GGUFFile f = GGUFFile.open(file)) { // a file that is no model fails here, before a JVM is started
            info = LlamaBench.describe(f, file);
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<BenchResult> results = new ArrayList<>();
        List<String> said = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(RESULT)) {
                    double[] v = Arrays.stream(line.substring(RESULT.length()).trim().split(" "))
                            .mapToDouble(Double::parseDouble).toArray();
                    results.add(new BenchResult(info, (int) v[0], (int) v[1], (int) v[2], Arrays.copyOfRange(v, 3, v.length)));
                } else if (!line.startsWith("WARNING: Using incubator modules")) {
                    said.add(line);
                    progress.accept(line);
                }
            }
        }
        try {
            int status = child.waitFor();
            if (status != 0) {
                throw new IOException("benchmarking " + file + " failed (exit status " + status + "): "
                        + String.join("\n", said.subList(Math.max(0, said.size() - 10), said.size())));
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("benchmarking " + file + " was interrupted", e);
        }
        return results;
    }

    /** The child: FILE N_PROMPT N_GEN REPETITIONS THREADS KV_TYPE; one {@code result} line per test on stdout. */
    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        LlamaBench.Options o = new LlamaBench.Options(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), GgmlType.valueOf(args[5]));
        for (BenchResult r : LlamaBench.run(Path.of(args[0]), o, out::println)) {
            StringBuilder line = new StringBuilder(RESULT).append(r.nPrompt()).append(' ').append(r.nGen()).append(' ')
                    .append(r.threads());
            for (double s : r.samplesTs()) {
                line.append(' ').append(s);
            }
            out.println(line);
        }
        out.flush();
    }
}
