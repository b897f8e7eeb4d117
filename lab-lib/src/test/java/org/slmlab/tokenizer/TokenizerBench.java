package org.slmlab.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.testing.SharedReference;

/**
 * Encoding speed of each reference vocabulary on ordinary text (llama.cpp's test texts, repeated) at growing sizes —
 * the time per character must stay flat — and on degenerate inputs (one 100k-letter word, 100k spaces, 100k digits).
 * Not a test; run it by hand after {@code mvn -pl lab-lib -am test-compile}:
 *
 * <pre>
 * java -cp lab-lib/target/classes:lab-lib/target/test-classes:$(ls ~/.m2/repository/org/junit/jupiter/junit-jupiter-api/5.11.4/*.jar) \
 *      org.slmlab.tokenizer.TokenizerBench [VOCAB ...]
 * </pre>
 */
public final class TokenizerBench {

    public static void main(String[] args) throws IOException {
        Path shared = SharedReference.locate();
        if (shared == null) {
            throw new IllegalStateException("../shared/reference not found (set -Dslmlab.shared)");
        }
        Path vocabDir = shared.resolve("reference/vocab");
        List<String> vocabs = args.length > 0 ? List.of(args) : List.of("llama-spm", "phi-3", "gpt-2", "llama-bpe", "qwen2");
        String sample = String.join(" ", TestVectorFile.readInputs(vocabDir.resolve("ggml-vocab-llama-bpe.gguf.inp")));
        Map<String, String> inputs = new LinkedHashMap<>();
        for (int kb : new int[] {100, 200, 400}) {
            inputs.put("text " + kb + " KB", sample.repeat(kb * 1000 / sample.length() + 1).substring(0, kb * 1000));
        }
        inputs.put("one word 100k", "a".repeat(100_000));
        inputs.put("spaces 100k", " ".repeat(100_000) + "x");
        inputs.put("digits 100k", "7".repeat(100_000));
        for (String name : vocabs) {
            long t0 = System.nanoTime();
            Tokenizer tok;
            try (GGUFFile gguf = GGUFFile.open(vocabDir.resolve("ggml-vocab-" + name + ".gguf"))) {
                tok = Tokenizer.fromGguf(gguf);
            }
            System.out.printf("%s: loaded in %.0f ms%n", name, (System.nanoTime() - t0) / 1e6);
            for (Map.Entry<String, String> in : inputs.entrySet()) {
                double best = Double.MAX_VALUE;
                int tokens = 0;
                for (int rep = 0; rep < 5; rep++) {
                    long s = System.nanoTime();
                    tokens = tok.encode(in.getValue(), false, false).length;
                    best = Math.min(best, (System.nanoTime() - s) / 1e9);
                }
                System.out.printf("  %-14s %7d tokens  %8.1f ms  %6.2f MB/s  %7.0f ns/char%n", in.getKey(), tokens,
                        best * 1e3, in.getValue().length() / best / 1e6, best * 1e9 / in.getValue().length());
            }
        }
    }
}
