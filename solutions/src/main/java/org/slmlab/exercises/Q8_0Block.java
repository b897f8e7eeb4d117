package org.slmlab.exercises;

/** Exercise 5, solved. */
public final class Q8_0Block {

    private Q8_0Block() {
    }

    public static byte[] quantize(float[] x) {
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[i]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1 / d : 0;
        byte[] block = new byte[34];
        short half = HalfPrecision.floatToHalf(d);
        block[0] = (byte) half;
        block[1] = (byte) (half >> 8);
        for (int i = 0; i < 32; i++) {
            float v = x[i] * id;
            block[2 + i] = (byte) (v < 0 ? -Math.round(-v) : Math.round(v)); // halves away from zero, like C's roundf
        }
        return block;
    }

    public static float[] dequantize(byte[] block) {
        float d = HalfPrecision.halfToFloat((short) ((block[0] & 0xff) | (block[1] << 8)));
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = d * block[2 + i];
        }
        return x;
    }
}
