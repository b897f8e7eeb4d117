package org.slmlab.quant;

/**
 * Float sums in the order ggml's x86 (AVX-512) CPU kernels add them: the attention products that run in F32
 * (scores {@code K·q} and the weighted sum of the values), softmax's sum, and the F32/F16 rows llamafile's tile
 * refuses (a batch only reaches tinyBLAS when the row length is a multiple of 16, so a matrix like stories260K's
 * 172-wide {@code ffn_down} is multiplied one {@code ggml_vec_dot} at a time). Float addition is not associative: the same numbers
 * added in another order differ in the last bit, and downstream that is enough to flip an F16 or Q8 rounding of
 * an activation. Emulating the order makes those flips go away.
 */
public final class GgmlSum {

    /** One AVX-512 register of floats. */
    public static final int LANES = 16;

    private GgmlSum() {
    }

    /**
     * The sum of 16 lanes {@code v[off..off+16)} in the order of {@code _mm512_reduce_add_ps}: the upper eight
     * added to the lower eight, then four to four, then {@code (l0 + l2) + (l1 + l3)}.
     */
    public static float reduce16(float[] v, int off) {
        float q0 = (v[off] + v[off + 8]) + (v[off + 4] + v[off + 12]);
        float q1 = (v[off + 1] + v[off + 9]) + (v[off + 5] + v[off + 13]);
        float q2 = (v[off + 2] + v[off + 10]) + (v[off + 6] + v[off + 14]);
        float q3 = (v[off + 3] + v[off + 11]) + (v[off + 7] + v[off + 15]);
        return (q0 + q2) + (q1 + q3);
    }

    /** One of ggml's dot-product orders, over {@code len} numbers of two float rows. */
    @FunctionalInterface
    public interface Order {
        float dot(float[] x, int xOff, float[] y, int yOff, int len);
    }

    /**
     * {@code Σ x[xOff+i]·y[yOff+i]} as {@code ggml_vec_dot_f32}: the blocks of 64 ({@link #blocks}), then the
     * {@code len mod 64} numbers left over added one by one, product and sum each rounded to float (not fused:
     * with stories260K's 8-wide heads and its 172-wide {@code ffn_down}, this and not a fused multiply-add equals
     * llama.cpp bit for bit).
     */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        int blocks = len - len % (4 * LANES);
        float sum = blocks(x, xOff, y, yOff, blocks);
        for (int i = blocks; i < len; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }

    /**
     * As {@code ggml_vec_dot_f16} sums its (decoded) rows: the same blocks of 64, but the leftovers go into a
     * double (its running sum is a {@code ggml_float}), each product still rounded to float first.
     */
    public static float dotF16(float[] x, int xOff, float[] y, int yOff, int len) {
        int blocks = len - len % (4 * LANES);
        double sum = blocks(x, xOff, y, yOff, blocks);
        for (int i = blocks; i < len; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return (float) sum;
    }

    /**
     * The first {@code blocks} products (a multiple of 64): four registers of 16 lanes take fused multiply-adds
     * over each block of 64, are added pairwise ({@code (r0 + r2) + (r1 + r3)}) and reduced ({@link #reduce16}).
     */
    private static float blocks(float[] x, int xOff, float[] y, int yOff, int blocks) {
        if (blocks == 0) {
            return 0f;
        }
        float[] r = new float[4 * LANES];
        for (int b = 0; b < blocks; b += 4 * LANES) {
            for (int i = 0; i < 4 * LANES; i++) {
                r[i] = Math.fma(x[xOff + b + i], y[yOff + b + i], r[i]);
            }
        }
        for (int l = 0; l < LANES; l++) {
            r[l] = (r[l] + r[2 * LANES + l]) + (r[LANES + l] + r[3 * LANES + l]);
        }
        return reduce16(r, 0);
    }
}
