package org.slmlab.exercises;

/** Exercise 6, solved. */
public final class Q4_0Block {

    private Q4_0Block() {
    }

    public static byte[] quantize(float[] x) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < 32; i++) {
            if (Math.abs(x[i]) > amax) {
                amax = Math.abs(x[i]);
                max = x[i];
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1 / d : 0;
        byte[] block = new byte[18];
        short half = HalfPrecision.floatToHalf(d);
        block[0] = (byte) half;
        block[1] = (byte) (half >> 8);
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[j + 16] * id + 8.5f));
            block[2 + j] = (byte) (lo | (hi << 4));
        }
        return block;
    }

    public static float[] dequantize(byte[] block) {
        float d = HalfPrecision.halfToFloat((short) ((block[0] & 0xff) | (block[1] << 8)));
        float[] x = new float[32];
        for (int j = 0; j < 16; j++) {
            x[j] = d * ((block[2 + j] & 0x0f) - 8);
            x[j + 16] = d * (((block[2 + j] >> 4) & 0x0f) - 8);
        }
        return x;
    }
}
