package org.slmlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.model.Model;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.Simd;
import org.slmlab.tensor.WorkerPool;
import org.slmlab.testing.SharedReference;

/**
 * Every reference model against llama.cpp's golden logits and greedy continuation (F32 KV cache, no flash
 * attention: {@code logits_f32kv_nofa}, {@code greedy_f32kv_nofa}). Models whose weight types have no codec
 * yet are skipped, so coverage grows as codecs land.
 */
class GoldenParityTest {

    /**
     * F32/F16 weights: both engines do float math on the same numbers and differ only in summation order
     * (SIMD lanes, FMA) — about 1e-4 on these logits; 1e-3 leaves headroom for a larger model.
     */
    static final double FLOAT_TOLERANCE = 1e-3;
    /**
     * BF16/quantized weights: activations are rounded to BF16 / Q8 blocks before each matmul, so a summation-order
     * difference upstream can flip one rounding step of one activation (one Q8 step is ~1% of a block's max),
     * and that flip propagates. Both engines emulate the same rounding; 2e-2 is the target.
     */
    static final double QUANT_TOLERANCE = 2e-2;

    /**
     * A position "agrees" within this: the same computation up to summation order (about 1e-6 where the orders
     * differ; 1e-4 leaves headroom), far below one Q8 rounding flip (1e-2 and more).
     */
    static final double EXACT = 1e-4;
    /**
     * Models that miss the target for a reason other than a rounding flip. stories260K-Q4_0/Q8_0 are off by
     * 0.1-0.3 from position 0 (which sees only itself), while stories260K-F32 matches to 1e-5, every mini with the
     * same Q8_0/Q4_0 kernels matches, and an independent numpy re-implementation of ggml's semantics (Q8_0
     * activations by ggml's x86 quantizer, F16 activations for the 172-column ffn_down that llama-quantize left in
     * F16, F32 attention) is as far from llama.cpp as this engine (0.30 and 0.27). No single activation flip
     * explains position 0 (flipping any one of them leaves it 0.07 or more off; the nearest to a boundary is 2e-4
     * of a step away, no ulp-sized difference), llama.cpp's own F16-cache and F32-cache runs differ by 0.17 at
     * position 0 (0.001 for stories260K-F32: this model amplifies 1e-4-sized changes 100-fold), and
     * llama.cpp's final-norm activation, recovered from its logits through output.weight, is an exact Q8_0 vector
     * 1% away from ours. Summing the batch products in llamafile's order ({@code Q0Tile}), which made every mini of
     * these types equal llama.cpp bit for bit, moved stories260K-Q4_0 from 0.271 to 0.308 and left Q8_0 at 0.302:
     * the summation order changes this gap, it does not close it.
     *
     * <p>Position 0 does not move under ulp-sized changes: a numpy model of it that equals this engine to 2e-6 stays
     * there when every matmul is summed in float instead of double, reversed or in halves, or when every norm output
     * takes 1e-5 relative noise; 1e-4 noise moves it by 0.02-0.24. So llama.cpp's position 0 differs from ours by more
     * than an order of summation. Ruled out there (closest result in brackets): each of the four quantized matmul
     * kinds (V, O, gate/up, output) with Q8_0, F16, BF16 or unrounded activations and ffn_down with F16 or F32 ones,
     * 512 combinations (0.076); Q8_0 quantizer variants (ggml's reference rounding: identical here; 1/fp16(d);
     * truncation; an unrounded d); an extra F16 rounding at any of 11 points of a layer (0.096); the F32 originals for
     * any one weight kind (0.11); one or two Q8 flips among the 59 activations nearest their boundaries (0.069);
     * another first token. RoPE is not involved (angle 0 at position 0; for 8-dim heads glibc's sinf/cosf equal the
     * rounded values over these 24 positions). Unexplained; each bound is the measured maximum rounded up, so a
     * regression still fails.
     */
    static final java.util.Map<String, Double> KNOWN_GAPS = java.util.Map.of(
            "stories260K-Q4_0", 0.31,
            "stories260K-Q8_0", 0.31);

    /**
     * Models beyond the target whose first differing position {@link RoundingFlips} could not pin on one activation
     * near a boundary (no nudge of the six nearest, within 64 ulps, fixes it — two flips in one position, a larger
     * difference upstream, or a rounding not instrumented). Their shape is still a
     * flip's: some positions still agree to 1e-6 (the PARITY line counts them), which a wrong kernel could not
     * do — the test asserts that there is one, and this bound (the largest value measured on the fast and the
     * scalar path, rounded up). The fast and the scalar kernels sum in different orders, so which activations flip
     * differs between the two paths; each path gives the same bits on every run (see {@code Simd.sum}). None is
     * left: the last ones (mini-llama-Q4_1 0.037, mini-qwen3-Q5_1 0.087, mini-qwen3-Q1_0 0.073) were dot products of
     * the types whose batches ggml multiplies with {@code ggml_vec_dot_*}, summed in another float order; in its
     * x86 order they equal llama.cpp bit for bit (see {@link #EXACT_ON_FAST_PATH}).
     */
    static final java.util.Map<String, Double> UNPROVEN_FLIPS = java.util.Map.of();

    /**
     * Models that equal llama.cpp bit for bit on the fast path: their matmuls are F16 or F32 (summed in tinyBLAS's
     * order, see {@code FloatTile}, or in {@code ggml_vec_dot}'s where tinyBLAS refuses a row length: stories260K's
     * 172-wide {@code ffn_down}) or Q8_0, Q4_0, Q5_0 and IQ4_NL (a prompt in {@code tinyBLAS_Q0}'s order, see
     * {@code Q0Tile}; before it, mini-qwen3-Q4_0 was 0.064 away, mini-llama-Q5_0 0.033, mini-phi3-Q8_0 0.032) or
     * Q4_1, Q5_1 and Q1_0 (every token in {@code ggml_vec_dot_q4_1_q8_1}'s, {@code q5_1}'s, {@code q1_0_q8_0}'s x86
     * order, see {@code ScaleMinBlockCodec}, {@code Q1_0Codec}; before it, summed in another float order,
     * mini-qwen3-Q5_1 was 0.087 away, mini-qwen3-Q1_0 0.073, mini-qwen3-Q4_1 0.043, mini-llama-Q4_1 0.037, each
     * from activations flipped at a Q8 boundary) or TQ1_0 and TQ2_0 (every token in
     * {@code ggml_vec_dot_tq1_0_q8_K}'s and {@code tq2_0}'s, see {@code TernaryOrder}; before it, mini-bitnet-TQ1_0
     * and -TQ2_0 were 0.191 away, mini-qwen3-TQ1_0 and -TQ2_0 0.0854, mini-llama-TQ1_0 and -TQ2_0 1.4e-6), and
     * every float step between them follows ggml's order (softmax and SiLU with ggml's vector exponential,
     * attention sums in its lanes, RoPE with the compiler's fused multiply-adds and glibc's {@code sinf}/{@code cosf},
     * Gemma's GELU from ggml's F16 table). The test holds them to a difference of exactly 0 there: any change to a
     * kernel's order shows at once, not only once it drifts past a tolerance. The scalar references sum F16
     * products in double instead, so on that path F16 activations flip and those models keep a bound (the largest
     * measured, rounded up).
     */
    static final java.util.Set<String> EXACT_ON_FAST_PATH = java.util.Set.of(
            "mini-llama-F16", "mini-phi3-F16", "mini-qwen3-F16", "mini-gemma3-F16", "stories260K-F32",
            "mini-llama-F32", "mini-phi3-F32", "mini-qwen3-F32", "mini-gemma3-F32", "mini-gemma3-6L-F32",
            "mini-bitnet-F32",
            "mini-bitnet-Q8_0", "mini-gemma3-Q4_0", "mini-gemma3-Q8_0", "mini-llama-IQ4_NL", "mini-llama-Q4_0",
            "mini-llama-Q5_0", "mini-llama-Q8_0", "mini-phi3-Q4_0", "mini-phi3-Q8_0", "mini-qwen3-IQ4_NL",
            "mini-qwen3-Q4_0", "mini-qwen3-Q5_0", "mini-qwen3-Q8_0",
            "mini-llama-Q4_1", "mini-llama-Q5_1", "mini-qwen3-Q4_1", "mini-qwen3-Q5_1",
            "mini-llama-Q1_0", "mini-qwen3-Q1_0",
            "mini-bitnet-TQ1_0", "mini-bitnet-TQ2_0", "mini-llama-TQ1_0", "mini-llama-TQ2_0", "mini-qwen3-TQ1_0",
            "mini-qwen3-TQ2_0");
    static final java.util.Map<String, Double> SCALAR_PATH_FLIPS = java.util.Map.of(
            "mini-llama-F16", 0.0016,
            "mini-phi3-F16", 0.0015,
            "mini-qwen3-F16", 0.0021,
            "mini-gemma3-F16", 0.002);

    static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(1);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    static Stream<String> models() throws IOException {
        Path dir = SharedReference.locate() == null ? null : SharedReference.locate().resolve("reference/models");
        if (dir == null || !Files.isDirectory(dir)) {
            return Stream.of("(reference models missing)");
        }
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".golden.gguf"))
                    .map(n -> n.substring(0, n.length() - ".golden.gguf".length()))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void logitsAndGreedyMatchLlamaCpp(String stem) throws IOException {
        Path modelPath = SharedReference.path("models/" + stem + ".gguf");
        Path goldenPath = SharedReference.path("models/" + stem + ".golden.gguf");
        try (GGUFFile golden = GGUFFile.open(goldenPath); Model model = openOrSkip(modelPath)) {
            int[] tokens = GoldenData.ints(golden, "tokens");
            float[] expected = GoldenData.floats(golden, "logits_f32kv_nofa");
            int[] greedy = GoldenData.ints(golden, "greedy_f32kv_nofa");
            int vocab = model.config().vocabSize();
            assertEquals(tokens.length * vocab, expected.length, "golden logits shape");

            var tf = new Transformer(model.config(), model.weights(), pool, 128);
            KvCache cache = tf.newCache(128);
            float[] logits = tf.forward(cache, tokens, true, null);
            double maxDiff = 0;
            int worst = -1;
            for (int i = 0; i < logits.length; i++) {
                double diff = Math.abs(logits[i] - expected[i]);
                if (!(diff <= maxDiff)) {
                    maxDiff = diff;
                    worst = i;
                }
            }
            double target = floatWeightsOnly(model) ? FLOAT_TOLERANCE : QUANT_TOLERANCE;
            double[] perPosition = new double[tokens.length];
            for (int i = 0; i < logits.length; i++) {
                perPosition[i / vocab] = Math.max(perPosition[i / vocab], Math.abs(logits[i] - expected[i]));
            }
            long exactPositions = java.util.Arrays.stream(perPosition).filter(m -> m <= EXACT).count();
            String where = stem + ": max |Δlogit| " + maxDiff + " at position " + worst / vocab + ", token "
                    + worst % vocab + "; positions within " + EXACT + ": " + exactPositions + " of " + tokens.length;
            System.out.printf("PARITY %-24s max|dlogit| = %.3g (target %.0g), exact positions %d/%d%n", stem, maxDiff,
                    target, exactPositions, tokens.length);
            if (EXACT_ON_FAST_PATH.contains(stem) && Simd.FAST) {
                assertEquals(0.0, maxDiff, where + ": this model matches llama.cpp bit for bit on the fast path");
            } else if (!Simd.FAST && SCALAR_PATH_FLIPS.containsKey(stem)) {
                assertTrue(maxDiff <= SCALAR_PATH_FLIPS.get(stem), where + " exceeds its scalar-path bound "
                        + SCALAR_PATH_FLIPS.get(stem));
            } else if (KNOWN_GAPS.containsKey(stem)) {
                assertTrue(maxDiff <= KNOWN_GAPS.get(stem), where + " exceeds its known gap " + KNOWN_GAPS.get(stem));
            } else if (maxDiff > target) {
                holdToTargetUpToRoundingFlips(stem, tf, tokens, expected, vocab, perPosition, exactPositions, target,
                        where);
            }

            // Greedy continuation, one token at a time (llama.cpp: lowest id on ties, no stop at EOS).
            // Our error during generation is unknown (no reference logits there): for float weights take the
            // prompt's; for quantized weights a rounding flip may happen at any step and moves logits by up to
            // 0.1 (the largest flips seen on prompt positions, before the dots followed ggml's order:
            // mini-qwen3-Q5_1 0.087, mini-qwen3-TQ1_0 0.085; BitNet's ternary weights 0.19).
            double errorScale = floatWeightsOnly(model) ? maxDiff : Math.max(maxDiff, 0.1);
            float[] last = java.util.Arrays.copyOfRange(logits, logits.length - vocab, logits.length);
            for (int step = 0; step < greedy.length; step++) {
                int next = argmax(last);
                if (next != greedy[step]) {
                    // Only acceptable where our top two are closer than both engines' error bound: a near-tie
                    // either engine may break either way. Compare up to there and say so.
                    double margin = last[next] - last[greedy[step]];
                    assertTrue(margin <= 2 * errorScale, stem + ": greedy token " + step + " is " + next
                            + ", llama.cpp chose " + greedy[step] + " (our margin " + margin + ")");
                    System.out.printf("PARITY %-24s greedy matches up to step %d, a near-tie (margin %.3g)%n",
                            stem, step, margin);
                    return;
                }
                last = tf.forward(cache, new int[] {next}, false, null);
            }
        }
    }

    /**
     * A model beyond the target passes only if every position that differs by more than {@link #EXACT} is proven
     * a rounding flip ({@link RoundingFlips}): the positions before the first flip must meet the target as they
     * are, and with the flips nudged the whole prompt must. The flips are printed — value, boundary, ulps.
     */
    private static void holdToTargetUpToRoundingFlips(String stem, Transformer tf, int[] tokens, float[] expected,
            int vocab, double[] perPosition, long exactPositions, double target, String where) {
        RoundingFlips.Result r = RoundingFlips.explain(tf, tokens, expected, vocab, EXACT);
        int first = !r.flips().isEmpty() ? r.flips().getFirst().nudge().pos()
                : r.unexplained() >= 0 ? r.unexplained() : tokens.length;
        // Nudges act at their own position and after, so before the first one these are the unnudged logits.
        double before = java.util.Arrays.stream(r.perPosition(), 0, first).max().orElse(0);
        double nudged = java.util.Arrays.stream(r.perPosition()).max().orElse(0);
        System.out.printf("PARITY %-24s %d rounding flip(s); before position %d max|dlogit| = %.3g, with the flips"
                + " nudged %.3g%n", stem, r.flips().size(), first, before, nudged);
        r.flips().forEach(f -> System.out.println("PARITY   flip at " + f));
        assertTrue(before <= target, where + ": positions before the first rounding flip (" + first + ") are off by "
                + before + " > " + target);
        if (r.unexplained() >= 0 && nudged > target) {
            String unexplained = where + ": position " + r.unexplained() + " differs by "
                    + r.perPosition()[r.unexplained()] + " and no activation within " + RoundingFlips.MAX_ULPS
                    + " ulps of a rounding boundary explains it";
            assertTrue(UNPROVEN_FLIPS.containsKey(stem), unexplained);
            assertTrue(exactPositions > 0, unexplained + ", and no position agrees to " + EXACT);
            double bound = UNPROVEN_FLIPS.get(stem);
            System.out.printf("PARITY %-24s unproven from position %d on: max|dlogit| %.3g (bound %.2g)%n", stem,
                    r.unexplained(), Math.max(nudged, maxOf(perPosition)), bound);
            assertTrue(nudged <= bound && maxOf(perPosition) <= bound, unexplained + ", and exceeds its bound " + bound);
        }
    }

    private static double maxOf(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(0);
    }

    private static Model openOrSkip(Path path) throws IOException {
        try (GGUFFile f = GGUFFile.open(path)) {
            for (TensorInfo t : f.tensors()) {
                assumeTrue(Codecs.supports(t.type()), "no codec yet for " + t.type() + " (" + t.name() + ")");
            }
        }
        return Model.load(path);
    }

    private static boolean floatWeightsOnly(Model model) {
        return model.file().tensors().stream().allMatch(t -> t.type() == GgmlType.F32 || t.type() == GgmlType.F16);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
