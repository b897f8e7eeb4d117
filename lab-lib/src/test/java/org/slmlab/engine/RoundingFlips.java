package org.slmlab.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.Rounding;

/**
 * Proves that a parity miss is an activation rounding flip, not a wrong kernel or graph.
 *
 * <p>Before each matmul ggml rounds the activations to the weights' {@code vec_dot} format (Q8 blocks, F16,
 * BF16). Our engine and ggml add the same numbers in different orders, so their activations differ in the last
 * bits; where a value lies a few ulps from a rounding boundary the two round it to neighbouring steps, and the
 * K/V rows of that position carry the difference to every later one. The proof, for the first position whose
 * logits differ: find the activation of that position closest to its boundary, move it a few ulps across the
 * boundary (a change the size of a summation-order difference), run again, and see that position agree with
 * llama.cpp to {@code exact}. Repeat for the next differing position, keeping the earlier nudges.
 */
final class RoundingFlips {

    /**
     * How far (in ulps of the activation) a candidate may be from its boundary. A dot product of a few hundred
     * terms summed in another order differs by a few ulps of its largest partial sums, which for a cancelling sum
     * is tens of ulps of the result; 64 covers that and nothing like a real error (a wrong kernel is off by 1e-3).
     */
    static final int MAX_ULPS = 64;
    /** Flips followed per model before giving up (the worst model here needs fewer). */
    static final int MAX_FLIPS = 12;
    /** Candidates tried per position, nearest to the boundary first. */
    static final int TRIES = 6;

    /** One activation nudged by {@code ulps} (signed) before it is rounded. */
    record Nudge(String weight, int pos, int index, int ulps) {
    }

    /** An activation a few ulps from its rounding boundary, and the nudge that moves it across. */
    record Flip(Nudge nudge, GgmlType format, float value, double scaled, double boundary, double fixedTo) {
        @Override
        public String toString() {
            return String.format("position %d, input of %s, element %d (%s): %s = %.7f, %.2g from the boundary "
                    + "%.1f; %d ulps across it the position matches to %.2g", nudge.pos, nudge.weight, nudge.index,
                    format, format == GgmlType.F16 || format == GgmlType.BF16 ? "value" : "scaled value", scaled,
                    Math.abs(scaled - boundary), boundary, Math.abs(nudge.ulps), fixedTo);
        }
    }

    /**
     * @param flips        the proven flips, in position order
     * @param perPosition  max |Δlogit| per position with all of them nudged
     * @param unexplained  the first position still off by more than {@code exact} that no nudge fixes, or -1
     */
    record Result(List<Flip> flips, double[] perPosition, int unexplained) {
    }

    private RoundingFlips() {
    }

    static Result explain(Transformer tf, int[] tokens, float[] expected, int vocab, double exact) {
        List<Nudge> nudges = new ArrayList<>();
        List<Flip> flips = new ArrayList<>();
        double[] per = run(tf, tokens, expected, vocab, nudges, null);
        for (int round = 0; round < MAX_FLIPS; round++) {
            int p = firstAbove(per, exact);
            if (p < 0) {
                return new Result(flips, per, -1);
            }
            List<Flip> candidates = new ArrayList<>();
            run(tf, tokens, expected, vocab, nudges, new Probe(p, candidates));
            candidates.sort(Comparator.comparingInt(f -> Math.abs(f.nudge.ulps)));
            Flip proven = null;
            for (Flip c : candidates.subList(0, Math.min(TRIES, candidates.size()))) {
                List<Nudge> trial = new ArrayList<>(nudges);
                trial.add(c.nudge);
                double[] after = run(tf, tokens, expected, vocab, trial, null);
                // Fixed, or — when two activations of the position flipped — one of them. A nudge that does not
                // cross its boundary changes nothing at all, and one that does moves the position's logits by a
                // flip's worth: halving the error is no coincidence (mini-llama-F16, position 1, needs two).
                if (firstAbove(after, exact) > p || firstAbove(after, exact) < 0 || after[p] < per[p] / 2) {
                    proven = new Flip(c.nudge, c.format, c.value, c.scaled, c.boundary, after[p]);
                    nudges = trial;
                    per = after;
                    break;
                }
            }
            if (proven == null) {
                return new Result(flips, per, p);
            }
            flips.add(proven);
        }
        return new Result(flips, per, firstAbove(per, exact));
    }

    private static int firstAbove(double[] per, double exact) {
        for (int i = 0; i < per.length; i++) {
            if (per[i] > exact) {
                return i;
            }
        }
        return -1;
    }

    /** Max |Δlogit| per position of one forward pass with {@code nudges} applied (and {@code probe} watching). */
    private static double[] run(Transformer tf, int[] tokens, float[] expected, int vocab, List<Nudge> nudges,
            Probe probe) {
        ForwardObserver observer = new ForwardObserver() {
            @Override
            public void beforeRounding(String weight, GgmlType format, int firstPos, float[] rows, int count,
                    int cols) {
                for (Nudge n : nudges) {
                    if (n.weight.equals(weight) && n.pos >= firstPos && n.pos < firstPos + count) {
                        int i = (n.pos - firstPos) * cols + n.index;
                        rows[i] = step(rows[i], n.ulps);
                    }
                }
                if (probe != null && probe.pos >= firstPos && probe.pos < firstPos + count) {
                    probe.look(weight, format, rows, (probe.pos - firstPos) * cols, cols);
                }
            }
        };
        float[] logits = tf.forward(tf.newCache(128), tokens, true, observer);
        double[] per = new double[tokens.length];
        for (int i = 0; i < logits.length; i++) {
            per[i / vocab] = Math.max(per[i / vocab], Math.abs(logits[i] - expected[i]));
        }
        return per;
    }

    static float step(float x, int ulps) {
        for (int i = 0; i < Math.abs(ulps); i++) {
            x = ulps > 0 ? Math.nextUp(x) : Math.nextDown(x);
        }
        return x;
    }

    /** Collects, at one position, every activation within {@link #MAX_ULPS} of its rounding boundary. */
    private record Probe(int pos, List<Flip> found) {

        void look(String weight, GgmlType format, float[] rows, int off, int cols) {
            switch (format) {
                case Q8_0, Q8_1 -> blocks(weight, format, rows, off, cols, 32);
                case Q8_K -> blocks(weight, format, rows, off, cols, 256);
                case F16 -> {
                    for (int j = 0; j < cols; j++) {
                        half(weight, rows[off + j], j);
                    }
                }
                case BF16 -> {
                    for (int j = 0; j < cols; j++) {
                        brain(weight, rows[off + j], j);
                    }
                }
                default -> {
                    // F32 weights: the activations are not rounded
                }
            }
        }

        /**
         * Q8_0/Q8_1 ({@code x·127/max}, nearest) and Q8_K ({@code x·(−127/max)} with max the signed extreme): the
         * quant flips when the scaled value crosses a half-integer. The extreme itself sets the scale and is
         * always ±127, so it is not a candidate.
         */
        private void blocks(String weight, GgmlType format, float[] rows, int off, int cols, int qk) {
            for (int b = 0; b < cols / qk; b++) {
                int start = off + b * qk;
                float amax = 0;
                float max = 0;
                for (int j = 0; j < qk; j++) {
                    float v = rows[start + j];
                    if (Math.abs(v) > amax) {
                        amax = Math.abs(v);
                        max = v;
                    }
                }
                if (amax == 0) {
                    continue;
                }
                float mul = format == GgmlType.Q8_K ? -127f / max : 127f / amax;
                for (int j = 0; j < qk; j++) {
                    float x = rows[start + j];
                    if (Math.abs(x) == amax) {
                        continue;
                    }
                    float s = x * mul;
                    double boundary = Math.floor(s) + 0.5;
                    int ulps = ulpsToCross(x, v -> format == GgmlType.Q8_K ? Rounding.nearestInt(v * mul)
                            : (int) Math.rint(v * mul), (boundary - s) * Math.signum(mul));
                    if (ulps != 0) {
                        found.add(new Flip(new Nudge(weight, pos, b * qk + j, ulps), format, x, s, boundary, 0));
                    }
                }
            }
        }

        /** F16: the boundary is the midpoint between x's half and the neighbouring half on x's side. */
        private void half(String weight, float x, int j) {
            short bits = Float.floatToFloat16(x);
            float h = Float.float16ToFloat(bits);
            if (h == x || h == 0 || Float.isInfinite(h)) {
                return;
            }
            boolean outward = (x > h) == (h > 0);
            float other = Float.float16ToFloat((short) (bits + (outward ? 1 : -1)));
            double mid = ((double) h + other) / 2;
            int ulps = ulpsToCross(x, v -> Float.floatToFloat16(v), mid - x);
            if (ulps != 0) {
                found.add(new Flip(new Nudge(weight, pos, j, ulps), GgmlType.F16, x, x, mid, 0));
            }
        }

        /** BF16 keeps the upper 16 bits, rounding to nearest even: the boundary is where the lower half is 0x8000. */
        private void brain(String weight, float x, int j) {
            int bits = Float.floatToRawIntBits(x);
            double mid = Float.intBitsToFloat((bits & 0xFFFF0000) | 0x8000);
            int ulps = ulpsToCross(x, v -> (Float.floatToRawIntBits(v) + 0x7FFF
                    + ((Float.floatToRawIntBits(v) >>> 16) & 1)) >>> 16, mid - x);
            if (ulps != 0) {
                found.add(new Flip(new Nudge(weight, pos, j, ulps), GgmlType.BF16, x, x, mid, 0));
            }
        }

        /**
         * The signed number of ulps (at most {@link #MAX_ULPS}) that moves {@code x} toward the boundary in
         * direction {@code towards} until {@code rounding} gives another result; 0 when it is farther than that.
         */
        private static int ulpsToCross(float x, Function<Float, Object> rounding, double towards) {
            if (towards == 0 || Double.isNaN(towards)) {
                return 0;
            }
            int dir = towards > 0 ? 1 : -1;
            Object before = rounding.apply(x);
            float y = x;
            for (int k = 1; k <= MAX_ULPS; k++) {
                y = dir > 0 ? Math.nextUp(y) : Math.nextDown(y);
                if (!rounding.apply(y).equals(before)) {
                    return dir * k;
                }
            }
            return 0;
        }
    }
}
