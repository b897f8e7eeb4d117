package org.slmlab.quant;

import jdk.incubator.vector.FloatVector;

/**
 * ggml's x86 (AVX-512) dot products of float rows, {@code ggml_vec_dot_f32} and {@code ggml_vec_dot_f16}, for the
 * rows llamafile's tile refuses: a batch only reaches tinyBLAS when the row length is a multiple of 16, so a
 * matrix like stories260K's 172-wide {@code ffn_down} is multiplied one dot product at a time, in this order.
 * Four registers of 16 lanes take fused multiply-adds over each block of 64, are added pairwise
 * ({@code (r0 + r2) + (r1 + r3)}) and reduced ({@link Simd#sum}); the numbers after the last block are added one
 * by one, each product rounded to float first — in float for F32, in double for F16 (its sum is a double). Not
 * fused: stories260K-F32, whose 172-wide {@code ffn_down} ends in 44 such numbers, equals llama.cpp bit for bit
 * this way and not with a fused multiply-add.
 */
final class GgmlVecDot {

    private GgmlVecDot() {
    }

    /** One of these orders: the dot product of the first {@code n} numbers of two decoded rows. */
    @FunctionalInterface
    interface Order {
        float dot(float[] x, float[] y, int n);
    }

    static float f32(float[] x, float[] y, int n) {
        int blocks = n - n % (4 * Simd.F512.length());
        float sum = blocks(x, y, blocks);
        for (int i = blocks; i < n; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    static float f16(float[] x, float[] y, int n) {
        int blocks = n - n % (4 * Simd.F512.length());
        double sum = blocks(x, y, blocks);
        for (int i = blocks; i < n; i++) {
            sum += x[i] * y[i];
        }
        return (float) sum;
    }

    /** The reduced sum of the first {@code blocks} products (a multiple of 64). */
    private static float blocks(float[] x, float[] y, int blocks) {
        int lanes = Simd.F512.length();
        FloatVector s0 = FloatVector.zero(Simd.F512), s1 = s0, s2 = s0, s3 = s0;
        for (int b = 0; b < blocks; b += 4 * lanes) {
            s0 = load(x, b).fma(load(y, b), s0);
            s1 = load(x, b + lanes).fma(load(y, b + lanes), s1);
            s2 = load(x, b + 2 * lanes).fma(load(y, b + 2 * lanes), s2);
            s3 = load(x, b + 3 * lanes).fma(load(y, b + 3 * lanes), s3);
        }
        return Simd.sum(s0.add(s2).add(s1.add(s3)));
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(Simd.F512, a, i);
    }
}
