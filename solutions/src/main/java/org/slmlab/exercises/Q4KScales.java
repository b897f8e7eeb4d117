package org.slmlab.exercises;

/** Exercise 7, solved. */
public final class Q4KScales {

    private Q4KScales() {
    }

    public static int[] scales(byte[] q) {
        int[] sc = new int[8];
        for (int j = 0; j < 8; j++) {
            sc[j] = j < 4 ? q[j] & 63 : (q[j + 4] & 0x0F) | ((q[j - 4] & 0xFF) >> 6) << 4;
        }
        return sc;
    }

    public static int[] mins(byte[] q) {
        int[] m = new int[8];
        for (int j = 0; j < 8; j++) {
            m[j] = j < 4 ? q[j + 4] & 63 : (q[j + 4] & 0xFF) >> 4 | ((q[j] & 0xFF) >> 6) << 4;
        }
        return m;
    }
}
