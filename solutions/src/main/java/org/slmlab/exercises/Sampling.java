package org.slmlab.exercises;

import java.util.Arrays;
import java.util.Comparator;

/** Exercise 12, solved. */
public final class Sampling {

    private Sampling() {
    }

    public static int greedy(float[] logits) {
        return topK(logits, 1)[0];
    }

    public static int[] topK(float[] logits, int k) {
        Integer[] ids = new Integer[logits.length];
        Arrays.setAll(ids, i -> i);
        Arrays.sort(ids, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        return Arrays.stream(ids).limit(k).mapToInt(Integer::intValue).toArray();
    }

    public static int sample(float[] logits, int topK, float topP, float temperature, double u) {
        int[] kept = topK(logits, topK > 0 ? topK : logits.length);
        double[] p = softmax(logits, kept, kept.length, 1f);
        int keep = kept.length;
        double sum = 0;
        for (int i = 0; i < kept.length; i++) {
            sum += p[i];
            if (sum >= topP) {
                keep = i + 1;
                break;
            }
        }
        double[] q = softmax(logits, kept, keep, temperature);
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += q[i];
            if (u < acc) {
                return kept[i];
            }
        }
        return kept[keep - 1];
    }

    private static double[] softmax(float[] logits, int[] ids, int n, float temperature) {
        double max = logits[ids[0]] / temperature;
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[ids[i]] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
