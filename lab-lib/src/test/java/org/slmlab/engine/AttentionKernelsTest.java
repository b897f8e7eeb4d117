package org.slmlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slmlab.quant.Simd;

/**
 * The attention kernels' fast paths add in the same order as their scalar references, so they must give the same
 * bits: for runs of positions of every length around a multiple of 16 (the vector width), anywhere in the rows
 * held, and head widths that are and are not multiples of 16. Repeated so that C2 compiles both paths part way
 * through (the interpreter executes vector operations differently, lane by lane).
 */
class AttentionKernelsTest {

    private static final int[] COUNTS = {0, 1, 2, 15, 16, 17, 31, 33, 64, 100};
    private static final int[] WIDTHS = {8, 16, 64, 80, 128, 200, 256};

    @Test
    void fastPathsGiveTheScalarBits() {
        assumeTrue(Simd.HAS_512_BIT, "no 512-bit vectors: the fast paths never run on this CPU");
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 50; round++) {
            for (int count : COUNTS) {
                for (int len : WIDTHS) {
                    check(r, count, len);
                }
            }
        }
    }

    /**
     * F16 keys (an F16 cache): {@code dotsHalf} loops over positions inside, and must still give each key's sum
     * exactly as a loop over that one key does — whether or not C2 vectorizes it.
     */
    @Test
    void halfKeysSumAsOneKeyAtATime() {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 50; round++) {
            for (int count : COUNTS) {
                for (int len : WIDTHS) {
                    int stride = count + r.nextInt(6);
                    int r0 = r.nextInt(stride - count + 1);
                    int col = r.nextInt(3) * len;
                    float[] q = gaussian(r, len + 2);
                    short[] halves = new short[3 * len * stride];
                    for (int x = 0; x < halves.length; x++) {
                        halves[x] = Float.floatToFloat16((float) r.nextGaussian());
                    }
                    float[] oneByOne = new float[count + 3];
                    for (int j = 0; j < count; j++) {
                        float s = 0f;
                        for (int i = 0; i < len; i++) {
                            s += q[2 + i] * Float.float16ToFloat(halves[(col + i) * stride + r0 + j]);
                        }
                        oneByOne[3 + j] = s;
                    }
                    float[] half = new float[count + 3];
                    AttentionKernels.dotsHalf(q, 2, halves, stride, col, r0, count, len, half, 3);
                    assertArrayEquals(oneByOne, half, "scores of " + count + " F16 keys of width " + len);
                }
            }
        }
    }

    private static void check(SplittableRandom r, int count, int len) {
        int heads = 3;
        int width = heads * len;
        int stride = count + r.nextInt(6); // rows held: the run may start after row 0 and end before the last
        int r0 = r.nextInt(stride - count + 1);
        int col = r.nextInt(heads) * len;
        float[] keys = gaussian(r, width * stride);
        float[] q = gaussian(r, len + 2);
        float[] scalar = new float[count + 3];
        float[] fast = new float[count + 3];
        AttentionKernels.dotsScalar(q, 2, keys, stride, col, r0, count, len, scalar, 3);
        AttentionKernels.dotsFast(q, 2, keys, stride, col, r0, count, len, fast, 3);
        assertArrayEquals(scalar, fast, "scores of " + count + " keys of width " + len);

        float[] values = gaussian(r, stride * width);
        float[] weights = gaussian(r, count + 1);
        int lane0 = r.nextInt(16);
        float[] lanesScalar = gaussian(r, 16 * len); // the sum adds onto what the lanes hold
        float[] lanesFast = lanesScalar.clone();
        AttentionKernels.weightedSumScalar(weights, 1, values, width, col, r0, count, len, lanesScalar, lane0);
        AttentionKernels.weightedSumFast(weights, 1, values, width, col, r0, count, len, lanesFast, lane0);
        assertArrayEquals(lanesScalar, lanesFast, "weighted sum of " + count + " values of width " + len);
    }

    @Test
    void lanesReduceInTheRegisterOrder() {
        assumeTrue(Simd.HAS_512_BIT, "no 512-bit vectors: the fast paths never run on this CPU");
        SplittableRandom r = new SplittableRandom(9);
        for (int len : WIDTHS) {
            float[] lanes = gaussian(r, 16 * len);
            float[] expected = new float[len];
            float[] column = new float[16];
            for (int i = 0; i < len; i++) {
                for (int l = 0; l < 16; l++) {
                    column[l] = lanes[l * len + i];
                }
                expected[i] = org.slmlab.quant.GgmlSum.reduce16(column, 0);
            }
            float[] out = new float[len + 2];
            AttentionKernels.reduceLanes(lanes, len, out, 2);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 2, len + 2), "width " + len);
        }
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // magnitudes from 1e-3 to 1e3, so a change in the order of the additions would show in the last bits
            v[i] = (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-3, 4)));
        }
        return v;
    }
}
