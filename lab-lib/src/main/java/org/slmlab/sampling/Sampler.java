package org.slmlab.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks the next token from the logits, in llama.cpp's order: repetition penalty → top-k → top-p → min-p →
 * temperature → a seeded random draw. top-k/p and min-p judge the tokens by their untempered probabilities;
 * the temperature only reshapes the draw among the survivors. Greedy ignores all of it and takes the arg-max
 * (the lowest id on a tie, as llama.cpp's goldens do).
 */
public final class Sampler {

    private final SamplerSettings settings;
    private final SplittableRandom random;

    public Sampler(SamplerSettings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    public SamplerSettings settings() {
        return settings;
    }

    /** The most likely token; the lowest id among equal logits. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Chooses a token; {@code history} is every token so far (prompt and generated), oldest first. */
    public int sample(float[] logits, List<Integer> history) {
        float[] l = logits.clone();
        applyRepeatPenalty(l, history);
        if (settings.isGreedy()) {
            return argmax(l);
        }
        Survivors s = survivors(l);
        double r = random.nextDouble();
        double acc = 0;
        for (int i = 0; i < s.q().length; i++) {
            acc += s.q()[i];
            if (r < acc) {
                return s.order()[i];
            }
        }
        return s.order()[s.q().length - 1];
    }

    /**
     * The distribution {@link #sample} draws from, one probability per vocabulary entry: zero for every token the
     * penalty and cut-offs removed, the tempered softmax over the survivors for the rest. Greedy puts all of it on
     * the arg-max. Draws no random number, so it does not disturb the seeded sequence.
     */
    public double[] probabilities(float[] logits, List<Integer> history) {
        float[] l = logits.clone();
        applyRepeatPenalty(l, history);
        double[] dist = new double[l.length];
        if (settings.isGreedy()) {
            dist[argmax(l)] = 1;
            return dist;
        }
        Survivors s = survivors(l);
        for (int i = 0; i < s.q().length; i++) {
            dist[s.order()[i]] = s.q()[i];
        }
        return dist;
    }

    /** Token ids from most to least likely, and the tempered probabilities of the first {@code q.length}. */
    private record Survivors(Integer[] order, double[] q) {
    }

    /** top-k → top-p → min-p on untempered probabilities, then the temperature over what is left. */
    private Survivors survivors(float[] l) {
        Integer[] order = candidates(l);
        int keep = settings.topK() > 0 ? Math.min(settings.topK(), order.length) : order.length;
        double[] p = softmax(l, order, keep, 1f);
        keep = topP(p, keep);
        keep = minP(p, keep);
        return new Survivors(order, softmax(l, order, keep, settings.temperature()));
    }

    /**
     * Token ids from most to least likely. With top-k, only ids at or above the k-th largest logit are sorted
     * (sorting a 150k vocabulary of boxed ids for every token would cost more than the forward pass of a small
     * model).
     */
    private Integer[] candidates(float[] l) {
        float threshold = Float.NEGATIVE_INFINITY;
        if (settings.topK() > 0 && settings.topK() < l.length) {
            float[] sorted = l.clone();
            Arrays.sort(sorted);
            threshold = sorted[l.length - settings.topK()];
        }
        int count = 0;
        for (float v : l) {
            if (v >= threshold) {
                count++;
            }
        }
        Integer[] order = new Integer[count];
        int k = 0;
        for (int i = 0; i < l.length; i++) {
            if (l[i] >= threshold) {
                order[k++] = i;
            }
        }
        Arrays.sort(order, (a, b) -> l[a] != l[b] ? Float.compare(l[b], l[a]) : Integer.compare(a, b));
        return order;
    }

    /** CTRL's penalty: a recently seen token's logit moves towards "less likely" by the penalty factor. */
    private void applyRepeatPenalty(float[] l, List<Integer> history) {
        float penalty = settings.repeatPenalty();
        if (penalty == 1f || settings.repeatLastN() == 0) {
            return;
        }
        boolean[] seen = new boolean[l.length];
        for (int i = Math.max(0, history.size() - settings.repeatLastN()); i < history.size(); i++) {
            int t = history.get(i);
            if (t >= 0 && t < l.length && !seen[t]) {
                seen[t] = true;
                l[t] = l[t] > 0 ? l[t] / penalty : l[t] * penalty;
            }
        }
    }

    /** Keeps the smallest prefix whose probability reaches top-p (always at least one token). */
    private int topP(double[] p, int keep) {
        if (settings.topP() >= 1f) {
            return keep;
        }
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += p[i];
            if (acc >= settings.topP()) {
                return i + 1;
            }
        }
        return keep;
    }

    /** Keeps the tokens at least min-p times as likely as the most likely one. */
    private int minP(double[] p, int keep) {
        if (settings.minP() <= 0f) {
            return keep;
        }
        double threshold = settings.minP() * p[0];
        int i = 1;
        while (i < keep && p[i] >= threshold) {
            i++;
        }
        return i;
    }

    /** Probabilities of the first {@code keep} tokens of {@code order} after dividing logits by {@code temp}. */
    private static double[] softmax(float[] l, Integer[] order, int keep, float temp) {
        double[] p = new double[keep];
        double max = l[order[0]] / temp;
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(l[order[i]] / temp - max);
            sum += p[i];
        }
        for (int i = 0; i < keep; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
