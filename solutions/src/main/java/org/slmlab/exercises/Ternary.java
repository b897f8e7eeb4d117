package org.slmlab.exercises;

/** Exercise 8, solved. */
public final class Ternary {

    private Ternary() {
    }

    public static float scale(float[] w) {
        double sum = 0;
        for (float v : w) {
            sum += Math.abs(v);
        }
        return Math.max((float) (sum / w.length), 1e-5f);
    }

    public static byte[] ternarize(float[] w) {
        float gamma = scale(w);
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = (byte) Math.max(-1, Math.min(1, Math.rint(w[i] / gamma)));
        }
        return q;
    }

    public static byte[] packTq2_0(byte[] trits, float scale) {
        byte[] block = new byte[66];
        for (int b = 0; b < 64; b++) {
            int bits = 0;
            for (int l = 0; l < 4; l++) {
                int weight = (b / 32) * 128 + l * 32 + b % 32;
                bits |= (trits[weight] + 1) << (2 * l);
            }
            block[b] = (byte) bits;
        }
        short half = HalfPrecision.floatToHalf(scale);
        block[64] = (byte) half;
        block[65] = (byte) (half >> 8);
        return block;
    }
}
