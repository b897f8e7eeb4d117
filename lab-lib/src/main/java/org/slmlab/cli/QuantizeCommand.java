package org.slmlab.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slmlab.quant.ImportanceMatrix;
import org.slmlab.quant.LlamaFileType;
import org.slmlab.quant.ModelQuantizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ./lab quantize IN.gguf OUT.gguf TYPE}: llama-quantize, with the same per-tensor rules and bytes. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantize a GGUF model like llama-quantize: same tensor types, same bytes.",
                "TYPE is a llama.cpp file type: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q2_K_S, "
                        + "Q3_K_S, Q3_K_M, Q3_K_L, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K, IQ1_S, IQ1_M, IQ2_XXS, "
                        + "IQ2_XS, IQ2_S, IQ2_M, IQ3_XXS, IQ3_XS, IQ3_S, IQ3_M, IQ4_NL, IQ4_XS, TQ1_0, TQ2_0, "
                        + "MXFP4_MOE, NVFP4, Q1_0, Q2_0 (aliases Q3_K, Q4_K, Q5_K = the _M mixtures, MXFP4). "
                        + "Mixtures give the output, attn_v and ffn_down tensors more bits; --pure gives every "
                        + "weight matrix the one type. An already quantized input is dequantized first, so TYPE F32 "
                        + "dequantizes a whole model."})
final class QuantizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.gguf", description = "the model to quantize")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "where to write the result")
    Path output;

    @Parameters(index = "2", paramLabel = "TYPE", description = "file type, e.g. Q4_K_M, Q8_0, F16")
    String type;

    @Option(names = "--pure", description = "one type for every weight matrix (no mixture rules)")
    boolean pure;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--imatrix", paramLabel = "FILE", description = "importance matrix from llama-imatrix (GGUF or .dat)")
    Path imatrix;

    @Override
    public Integer call() throws Exception {
        LlamaFileType fileType = LlamaFileType.parse(type);
        if (!Files.isRegularFile(input)) {
            throw new NoSuchFileException(input.toString());
        }
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("OUT.gguf must differ from IN.gguf");
        }
        ImportanceMatrix importance = imatrix == null ? null : ImportanceMatrix.load(imatrix);
        var options = new ModelQuantizer.Options(fileType, pure, threads, importance);

        var err = spec.commandLine().getErr();
        ProgressBar bar = new ProgressBar(System.err);
        ModelQuantizer.Summary s = ModelQuantizer.quantize(input, output, options, p -> {
            var c = p.choice();
            String label = String.format("[%d/%d] %s %s -> %s", p.index() + 1, p.count(), c.tensor().name(),
                    c.tensor().type(), c.type());
            bar.show(label, p.done(), p.total(), p.tensorDone() == p.tensorBytes() && p.index() + 1 == p.count());
        });
        bar.finish();
        err.printf("%s: %d tensors (%d converted, %d shape fallbacks), %.2f MiB -> %.2f MiB, %.1f s, %d threads%n",
                output, s.tensors(), s.converted(), s.fallbacks(), s.bytesIn() / 1048576.0, s.bytesOut() / 1048576.0,
                bar.elapsedSeconds(), threads);
        return 0;
    }
}
