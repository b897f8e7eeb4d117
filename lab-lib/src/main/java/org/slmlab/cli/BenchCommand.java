package org.slmlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slmlab.bench.BenchReport;
import org.slmlab.bench.BenchResult;
import org.slmlab.bench.BenchSuite;
import org.slmlab.bench.LlamaBench;
import org.slmlab.gguf.GgmlType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./lab bench -m FILE [-p 512] [-n 128] [-r 5] [-t THREADS] [-o md|csv|json]} and
 * {@code ./lab bench --suite qwen3-0.6b}: llama-bench's tests and output, on the lab's engine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark a model like llama-bench: pp (prompt processing) and tg (generation) tokens/s, "
                + "mean ± sd over repetitions after a warm-up; tokenization and sampling are not timed.",
                "--suite MODEL benchmarks the model's shape twin in F16, Q8_0, Q6_K, Q5_1, Q4_K_M, Q4_0 and TQ2_0 "
                        + "beside llama.cpp's numbers and writes a table and a chart to target/bench/.",
                "JMH micro-benchmarks of the matrix-vector kernels: ./lab bench --jmh (run by the ./lab script)."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "the GGUF model to benchmark")
    Path model;

    @Option(names = "--suite", paramLabel = "MODEL", description = "benchmark a catalog model's twins in every type of the course")
    String suite;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", description = "prompt tokens for the pp test, 0 to skip (default: ${DEFAULT-VALUE})")
    int nPrompt = 512;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", description = "tokens for the tg test, 0 to skip (default: ${DEFAULT-VALUE})")
    int nGen = 128;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", description = "repetitions of each test (default: ${DEFAULT-VALUE})")
    int repetitions = 5;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    Integer threads;

    @Option(names = "--kv-type", paramLabel = "F32|F16", description = "KV cache element type (default: ${DEFAULT-VALUE})")
    String kvType = "F32";

    @Option(names = {"-o", "--output"}, paramLabel = "md|csv|json", description = "output format (default: ${DEFAULT-VALUE})")
    String output = "md";

    @Option(names = "--out", paramLabel = "DIR", description = "where --suite writes its table and chart (default: target/bench of the lab)")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((model == null) == (suite == null)) {
            throw new IllegalArgumentException("give a model file (-m FILE) or a suite (--suite MODEL), not both or neither");
        }
        LlamaBench.Options o = new LlamaBench.Options(nPrompt, nGen, repetitions,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), GgmlType.parse(kvType));
        PrintWriter stdout = spec.commandLine().getOut();
        if (suite != null) {
            Path home = Path.of(System.getProperty("slmlab.home", "."));
            Path dir = out != null ? out : home.resolve("target/bench");
            List<BenchSuite.Row> rows = BenchSuite.run(suite, o, home.resolve("target/bench-cache"), dir, System.err::println);
            stdout.print(BenchSuite.markdown(org.slmlab.catalog.Catalog.get(suite), o, rows));
            stdout.println("\nwritten: " + dir.resolve(org.slmlab.catalog.Catalog.get(suite).id() + ".md") + ", .csv and .png");
            return 0;
        }
        List<BenchResult> results = LlamaBench.run(model, o, System.err::println);
        stdout.print(switch (output) {
            case "md" -> BenchReport.markdown(results);
            case "csv" -> BenchReport.csv(results);
            case "json" -> BenchReport.json(results) + "\n";
            default -> throw new IllegalArgumentException("-o must be md, csv or json, not '" + output + "'");
        });
        stdout.flush(); // print() does not autoflush, and the JVM exits right after
        return 0;
    }
}
