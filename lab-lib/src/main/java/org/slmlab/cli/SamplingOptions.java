package org.slmlab.cli;

import org.slmlab.sampling.SamplerSettings;
import picocli.CommandLine.Option;

/** Sampling options of {@code run} and {@code chat}; defaults are llama.cpp's. */
final class SamplingOptions {

    @Option(names = "--temp", paramLabel = "T", defaultValue = "0.8",
            description = "temperature; 0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "top-k, 0 = off (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "top-p, 1 = off (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.05", description = "min-p, 0 = off (default: ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--repeat-penalty", paramLabel = "F", defaultValue = "1.0",
            description = "repetition penalty, 1 = off (default: ${DEFAULT-VALUE})")
    float repeatPenalty;

    @Option(names = "--repeat-last-n", paramLabel = "N", defaultValue = "64",
            description = "tokens the repetition penalty looks back on (default: ${DEFAULT-VALUE})")
    int repeatLastN;

    @Option(names = "--seed", paramLabel = "S", description = "random seed: same seed, same text (default: random)")
    Long seed;

    SamplerSettings settings() {
        long s = seed != null ? seed : System.nanoTime();
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, repeatLastN, s);
    }
}
