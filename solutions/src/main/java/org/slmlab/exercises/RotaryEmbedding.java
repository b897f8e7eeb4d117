package org.slmlab.exercises;

/** Exercise 10, solved. */
public final class RotaryEmbedding {

    private RotaryEmbedding() {
    }

    public static void rotate(float[] head, int pos, float base, boolean neox) {
        int d = head.length;
        int half = d / 2;
        for (int i = 0; i < half; i++) {
            double theta = pos * Math.pow(base, -2.0 * i / d);
            float cos = (float) Math.cos(theta);
            float sin = (float) Math.sin(theta);
            int a = neox ? i : 2 * i;
            int b = neox ? i + half : 2 * i + 1;
            float x0 = head[a];
            float x1 = head[b];
            head[a] = x0 * cos - x1 * sin;
            head[b] = x0 * sin + x1 * cos;
        }
    }
}
