package org.slmlab.bench;

import java.util.Arrays;

/**
 * One llama-bench test on one model: {@code pp<n>} (prompt processing of n tokens in one batch) or {@code tg<n>}
 * (generating n tokens one at a time), with its tokens/s over every repetition.
 *
 * @param samplesTs tokens per second of each repetition, warm-up excluded
 */
public record BenchResult(ModelInfo model, int nPrompt, int nGen, int threads, double[] samplesTs) {

    public BenchResult {
        samplesTs = samplesTs.clone();
    }

    @Override
    public double[] samplesTs() {
        return samplesTs.clone();
    }

    /** llama-bench's name for the test: "pp512" or "tg128". */
    public String test() {
        return nPrompt > 0 ? "pp" + nPrompt : "tg" + nGen;
    }

    public double avgTs() {
        return mean(samplesTs);
    }

    /** Sample standard deviation (n − 1), as llama-bench reports it. */
    public double stddevTs() {
        return stddev(samplesTs);
    }

    /** Nanoseconds each repetition took: llama-bench's {@code samples_ns}. */
    public double[] samplesNs() {
        int tokens = nPrompt > 0 ? nPrompt : nGen;
        return Arrays.stream(samplesTs).map(ts -> tokens / ts * 1e9).toArray();
    }

    static double mean(double[] x) {
        return Arrays.stream(x).average().orElse(0);
    }

    static double stddev(double[] x) {
        if (x.length < 2) {
            return 0;
        }
        double m = mean(x);
        return Math.sqrt(Arrays.stream(x).map(v -> (v - m) * (v - m)).sum() / (x.length - 1));
    }

    /** What llama-bench shows about the model: name, file type, bytes of weights, parameters. */
    public record ModelInfo(String filename, String type, String fileType, long sizeBytes, long parameters) {
    }
}
