package org.slmlab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slmlab.catalog.Catalog;
import org.slmlab.catalog.ModelSpec;
import org.slmlab.quant.LlamaFileType;
import org.slmlab.twin.ShapeTwin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./lab twin MODEL --type T -o FILE [--seed S] [--vocab synthetic|FILE] [--pure]}: writes a shape twin —
 * a GGUF with a real model's tensors, shapes, types and metadata, and random weights.
 */
@Command(name = "twin", mixinStandardHelpOptions = true,
        description = {"Write a shape twin of a catalog model: its exact tensors, shapes, types and metadata, random "
                + "weights. Its size, memory and speed are the real model's; its text is noise.",
                "MODEL: a catalog id or name (./lab footprint --list)."})
public final class TwinCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "a catalog model, e.g. qwen3-0.6b")
    String model;

    @Option(names = "--type", required = true, paramLabel = "T",
            description = "a ggml type or llama.cpp file type: F16, Q8_0, Q6_K, Q5_1, Q4_K_M, Q4_0, TQ2_0, ...")
    String type;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the GGUF file to write")
    Path output;

    @Option(names = "--seed", description = "random seed; the same seed writes the same file (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--vocab", paramLabel = "synthetic|FILE", description = "a synthetic vocabulary of the real size "
            + "(default), or a GGUF whose tokenizer to copy (it must have the model's vocabulary size)")
    String vocab = "synthetic";

    @Option(names = "--pure", description = "one type for every matrix, as llama-quantize --pure")
    boolean pure;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelSpec m = Catalog.get(model);
        LlamaFileType fileType = LlamaFileType.parse(type);
        Path vocabulary = vocab.equals("synthetic") ? null : Path.of(vocab);
        ProgressBar bar = new ProgressBar(System.err);
        long bytes = ShapeTwin.write(new ShapeTwin.Options(m, fileType, pure, seed, vocabulary), output,
                (i, n, name, t, done, total) -> bar.show(String.format("%d/%d %s %s", i, n, name, t), done, total, i == n));
        bar.finish();
        spec.commandLine().getOut().printf("%s: %s twin of %s, %s of weights, %.1f s%n", output, fileType, m.name(),
                FootprintCommand.bytes(bytes), bar.elapsedSeconds());
        return 0;
    }
}
