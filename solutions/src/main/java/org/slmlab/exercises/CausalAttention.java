package org.slmlab.exercises;

/** Exercise 11, solved. */
public final class CausalAttention {

    private CausalAttention() {
    }

    public static float[] softmax(float[] scores) {
        float max = Float.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        float[] p = new float[scores.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = scores[i] == Float.NEGATIVE_INFINITY ? 0 : (float) Math.exp(scores[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= (float) sum;
        }
        return p;
    }

    public static float[][] causalHead(float[][] q, float[][] k, float[][] v) {
        int n = q.length;
        int d = q[0].length;
        float[][] out = new float[n][d];
        for (int t = 0; t < n; t++) {
            float[] scores = new float[t + 1];
            for (int j = 0; j <= t; j++) {
                float dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += q[t][i] * k[j][i];
                }
                scores[j] = dot / (float) Math.sqrt(d);
            }
            float[] w = softmax(scores);
            for (int j = 0; j <= t; j++) {
                for (int i = 0; i < d; i++) {
                    out[t][i] += w[j] * v[j][i];
                }
            }
        }
        return out;
    }
}
