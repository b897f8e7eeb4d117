package org.slmlab.tensor;

/**
 * {@code sinf}, {@code cosf} and {@code expf} as glibc's libm computes them on x86-64, bit for bit.
 *
 * <p>Why not {@code (float) Math.sin(x)}: that is the correctly rounded result, and glibc's is not always — its
 * single-precision functions (ARM's optimized routines, in glibc since 2.27/2.28) evaluate a short polynomial in
 * double and miss the nearest float for a few arguments in ten thousand (expf) to a few in a thousand (sinf,
 * cosf). ggml calls them: RoPE builds its angles with {@code cosf}/{@code sinf} ({@code rope_yarn} in
 * ggml-cpu/ops.cpp), softmax and SiLU take {@code expf} for the elements after a row's last full 16-lane group.
 * Where they miss, llama.cpp's numbers differ from a correctly rounded engine's in the last bit, and those
 * differences are real: the F32 minis drifted by 1e-6 from the first position whose angles disagree (mini-llama 4,
 * qwen3 8, phi3 11, bitnet 2), and mini-gemma3-F16 took an F16 rounding flip from them at position 14 (2e-3).
 *
 * <p>sinf/cosf ({@code s_sinf.c}, {@code s_cosf.c}, {@code s_sincosf.h}): reduce the argument to {@code r} in
 * [-π/4, π/4] and a quadrant {@code n} (below 120 by multiplying with 2/π in double; above, with 4/π to 192 bits in
 * integer arithmetic), evaluate the sine or cosine polynomial of {@code r} in double, round once to float. expf
 * ({@code e_expf.c}): split x·32/ln 2 into an integer k and a remainder, take 2^(k/32) from a 32-entry table and
 * 2^(remainder/32) from a cubic. On CPUs with FMA glibc runs its {@code -mfma} builds of these functions, in which
 * the compiler fused every {@code a + b·c}; the {@link Math#fma} calls below are exactly those. {@code GlibcMathTest}
 * holds this against values computed by glibc (and the three were compared with it on tens of millions of
 * arguments: no difference).
 */
public final class GlibcMath {

    private static final double HPI_INV_2P24 = 0x1.45F306DC9C883p+23; // 2/π · 2^24: the quadrant lands in bits 24+
    private static final double HPI = 0x1.921FB54442D18p0; // π/2
    private static final double PI63 = 0x1.921FB54442D18p-62; // 2π · 2^-64: the large reduction's fixed-point unit
    private static final double[] SIGN = {1.0, -1.0, -1.0, 1.0};
    /** Cosine polynomial; glibc keeps a negated copy for quadrants 2 and 3 ({@code __sincosf_table[1]}). */
    private static final double C0 = 0x1p0;
    private static final double C1 = -0x1.ffffffd0c621cp-2;
    private static final double C2 = 0x1.55553e1068f19p-5;
    private static final double C3 = -0x1.6c087e89a359dp-10;
    private static final double C4 = 0x1.99343027bf8c3p-16;
    private static final double S1 = -0x1.555545995a603p-3;
    private static final double S2 = 0x1.1107605230bc4p-7;
    private static final double S3 = -0x1.994eb3774cf24p-13;
    /** 4/π to 192 bits, 8 new bits per entry ({@code __inv_pio4}). */
    private static final int[] INV_PIO4 = {
        0xa2, 0xa2f9, 0xa2f983, 0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
        0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
        0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041};

    private static final int TOP12_PIO4 = abstop12(0x1.921FB6p-1f);
    private static final int TOP12_TINY = abstop12(0x1p-12f);
    private static final int TOP12_120 = abstop12(120.0f);
    private static final int TOP12_INF = abstop12(Float.POSITIVE_INFINITY);

    private GlibcMath() {
    }

    public static float sin(float y) {
        return evaluate(y, false);
    }

    public static float cos(float y) {
        return evaluate(y, true);
    }

    /** The shared body of glibc's sinf and cosf: they differ only in which polynomial the quadrant selects. */
    private static float evaluate(float y, boolean cosine) {
        int top = abstop12(y);
        int odd = cosine ? 1 : 0;
        if (top < TOP12_PIO4) {
            if (top < TOP12_TINY) {
                return cosine ? 1.0f : y;
            }
            double x = y;
            return poly(x, x * x, false, odd);
        }
        if (top >= TOP12_INF) {
            return Float.NaN;
        }
        double r;
        int n;
        int quadrantSign;
        if (top < TOP12_120) {
            // reduce_fast without round-to-int instructions: truncate x·(2/π)·2^24, add half, shift.
            double t = y * HPI_INV_2P24;
            n = ((int) t + 0x800000) >> 24;
            r = Math.fma(-n, HPI, y);
            quadrantSign = n;
        } else {
            int xi = Float.floatToRawIntBits(y);
            long res0 = reduceLarge(xi);
            n = (int) ((res0 + (1L << 61)) >>> 62);
            r = (double) (res0 - ((long) n << 62)) * PI63;
            quadrantSign = n + (xi >>> 31);
        }
        double s = SIGN[quadrantSign & 3];
        return poly(r * s, r * r, (quadrantSign & 2) != 0, n ^ odd);
    }

    /**
     * reduce_large's 64-bit fixed-point product of the float's 24-bit mantissa with the right 96 bits of 4/π;
     * the quadrant is its top two bits (rounded), the rest the fraction of a quadrant.
     */
    private static long reduceLarge(int xi) {
        int at = (xi >>> 26) & 15;
        int shift = (xi >>> 23) & 7;
        long m = ((long) ((xi & 0xffffff) | 0x800000) << shift) & 0xffffffffL;
        long res0 = (m * (INV_PIO4[at] & 0xffffffffL)) & 0xffffffffL; // a 32-bit product in C
        long res1 = m * (INV_PIO4[at + 4] & 0xffffffffL);
        long res2 = m * (INV_PIO4[at + 8] & 0xffffffffL);
        return ((res2 >>> 32) | (res0 << 32)) + res1;
    }

    /** sinf_poly: the sine (even n) or cosine (odd n) polynomial of the reduced argument, rounded to float. */
    private static float poly(double x, double x2, boolean negated, int n) {
        if ((n & 1) == 0) {
            double x3 = x * x2;
            double s1 = Math.fma(x2, S3, S2);
            double x7 = x3 * x2;
            double s = Math.fma(x3, S1, x);
            return (float) Math.fma(x7, s1, s);
        }
        double sign = negated ? -1.0 : 1.0;
        double x4 = x2 * x2;
        double c2 = Math.fma(x2, sign * C4, sign * C3);
        double c1 = Math.fma(x2, sign * C1, sign * C0);
        double x6 = x4 * x2;
        double c = Math.fma(x4, sign * C2, c1);
        return (float) Math.fma(x6, c2, c);
    }

    /** expf's 2^(i/32), i = 0..31, with i·2^47 taken off each so that adding k·2^47 installs k's exponent too. */
    private static final long[] EXP2_32 = {
        0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L,
        0x3fef72b83c7d517bL, 0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L,
        0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL, 0x3feedea64c123422L, 0x3feece086061892dL,
        0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L, 0x3feea47eb03a5585L,
        0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
        0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL,
        0x3feee89f995ad3adL, 0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L,
        0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL, 0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L};
    private static final double INV_LN2_32 = 0x1.71547652b82fep+0 * 32;
    private static final double ROUNDING_SHIFT = 0x1.8p+52; // adding it rounds to an integer, kept in the low bits
    private static final double E0 = 0x1.c6af84b912394p-5 / 32 / 32 / 32;
    private static final double E1 = 0x1.ebfce50fac4f3p-3 / 32 / 32;
    private static final double E2 = 0x1.62e42ff0c52d6p-1 / 32;
    private static final int TOP12_88 = abstop12(88.0f);

    public static float exp(float x) {
        if (abstop12(x) >= TOP12_88) {
            if (x == Float.NEGATIVE_INFINITY) {
                return 0f;
            }
            if (abstop12(x) >= TOP12_INF) {
                return x + x;
            }
            if (x > 0x1.62e42ep6f) {
                return Float.POSITIVE_INFINITY;
            }
            if (x < -0x1.9fe368p6f) {
                return 0f;
            }
        }
        double z = INV_LN2_32 * x;
        double kd = z + ROUNDING_SHIFT;
        long ki = Double.doubleToRawLongBits(kd);
        kd -= ROUNDING_SHIFT;
        double r = z - kd;
        double s = Double.longBitsToDouble(EXP2_32[(int) (ki & 31)] + (ki << 47));
        double p = Math.fma(E0, r, E1);
        return (float) (Math.fma(p, r * r, Math.fma(E2, r, 1.0)) * s);
    }

    private static int abstop12(float y) {
        return (Float.floatToRawIntBits(y) >>> 20) & 0x7ff;
    }
}
