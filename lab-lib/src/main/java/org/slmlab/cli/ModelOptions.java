package org.slmlab.cli;

import java.nio.file.Path;
import org.slmlab.engine.Session;
import org.slmlab.gguf.GgmlType;
import picocli.CommandLine.Option;

/** The options every command that runs a model shares. */
final class ModelOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "the GGUF model file")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "compute threads (default: one per core)")
    Integer threads;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", defaultValue = "4096",
            description = "context size in tokens, capped at the model's own (default: ${DEFAULT-VALUE})")
    int contextSize;

    @Option(names = "--kv-type", paramLabel = "F32|F16", defaultValue = "F32",
            description = "KV cache element type: F32 (as the parity goldens) or F16 (llama.cpp's default, half "
                    + "the memory) (default: ${DEFAULT-VALUE})")
    String kvType;

    Session.Options sessionOptions() {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        return new Session.Options(contextSize, n, GgmlType.parse(kvType));
    }
}
