package org.slmlab.tensor;

import org.slmlab.quant.GgmlSum;

/**
 * Softmax of attention scores, rounded as ggml's CPU {@code soft_max} rounds it: the exponentials of each full
 * group of 16 by ggml's vector formula and the leftovers by {@code expf} ({@link GgmlExp}), each group's 16
 * values summed in float in the register's reduction order, the group sums added in double, and every weight
 * multiplied by the float reciprocal of the total.
 */
public final class Softmax {

    private Softmax() {
    }

    /**
     * Turns {@code s[0..n)} into probabilities in place. Entries equal to {@code -Infinity} (masked positions)
     * become exactly 0.
     */
    public static void apply(float[] s, int n) {
        apply(s, n, 0, n);
    }

    /**
     * Softmax over one row of {@code rowLength} scores of which only positions {@code first .. first+count-1} are
     * visible; they are {@code s[0..count)}, the rest is masked (weight 0, not stored). The positions matter, not
     * just the count, because ggml's groups of 16 start at position 0 of the row — a sliding window's first visible
     * position may fall anywhere in a group — and the row's length decides which elements are leftovers: an
     * attention row is as long as llama.cpp's view of the KV cache (a multiple of 16), so the masked future
     * positions fill the last group and every visible score takes the vector exponential.
     */
    public static void apply(float[] s, int count, int first, int rowLength) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            max = Math.max(max, s[j]);
        }
        int end = first + count;
        int vectorEnd = rowLength - rowLength % GgmlExp.LANES;
        float[] group = new float[GgmlExp.LANES];
        double sum = 0;
        for (int g = first - first % GgmlExp.LANES; g < Math.min(end, vectorEnd); g += GgmlExp.LANES) {
            for (int l = 0; l < GgmlExp.LANES; l++) {
                int p = g + l;
                boolean visible = p >= first && p < end;
                group[l] = visible ? GgmlExp.vector(s[p - first] - max) : 0f;
                if (visible) {
                    s[p - first] = group[l];
                }
            }
            sum += GgmlSum.reduce16(group, 0);
        }
        for (int p = Math.max(first, vectorEnd); p < end; p++) {
            s[p - first] = GgmlExp.scalar(s[p - first] - max);
            sum += s[p - first];
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < count; j++) {
            s[j] *= inv;
        }
    }
}
