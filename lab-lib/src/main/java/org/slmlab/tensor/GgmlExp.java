package org.slmlab.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The exponential as ggml's x86 CPU backend computes it, bit for bit, for softmax and SiLU.
 *
 * <p>ggml does not call the C library's {@code expf} on whole vectors: with AVX-512 it evaluates 16 lanes at a
 * time with a short polynomial ({@code ggml_v_expf} in {@code ggml-cpu/vec.h}, adapted from Arm's optimized
 * routines; up to about 2 ulps from the true value), and only the elements left over after the last full
 * group of 16 go through {@code expf}. The two disagree in the last bit now and then, and a last-bit difference
 * in an attention weight or a SiLU output is enough to flip a later F16 or Q8 rounding of the activations —
 * which is what separated our F16 models from llama.cpp's by 1e-3. So a row is split the way ggml splits it
 * (see {@link #inVectorPart}) and each part uses its own formula.
 *
 * <p>The polynomial, lane by lane: {@code n = round(x·log2 e)} by the 1.5·2²³ shift trick, {@code b = x − n·ln 2}
 * in two fused steps (ln 2 split into a high and a low part), {@code j ≈ e^b} by a degree-5 polynomial in fused
 * multiply-adds, and the result {@code j·2ⁿ} ({@code vscalefps}); |n| > 192 saturates to 0 or infinity.
 */
public final class GgmlExp {

    /** ggml's vector loops run over groups of this many floats (one AVX-512 register). */
    public static final int LANES = 16;

    private GgmlExp() {
    }

    /** {@code ggml_v_expf}, one lane. */
    public static float vector(float x) {
        final float shift = 0x1.8p23f;
        float z = Math.fma(x, 0x1.715476p+0f, shift);
        float n = z - shift;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        if (Math.abs(n) > 192) {
            return n <= 0 ? 0f : Float.POSITIVE_INFINITY;
        }
        float u = b * b;
        float j = Math.fma(
                Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                u, Math.fma(0x1.ffffecp-1f, b, 1.0f));
        return Math.scalb(j, (int) n);
    }

    /**
     * {@link #vector(float)} in every lane of {@code x} at once (ggml's own shape of the computation), with the
     * same operations — fused multiply-adds are exact-then-rounded in a lane as in {@link Math#fma} — so each lane
     * gets the same bits as the scalar version. {@code Math.scalb}'s one rounding is two multiplies by powers of
     * two: |n| ≤ 192 splits into halves of at most 96, {@code j·2^(n/2)} is exact (a normal float), and only the
     * second product rounds.
     */
    public static FloatVector vector(FloatVector x) {
        var species = x.species();
        FloatVector shift = FloatVector.broadcast(species, 0x1.8p23f);
        FloatVector n = x.fma(FloatVector.broadcast(species, 0x1.715476p+0f), shift).sub(shift);
        FloatVector minusN = n.neg();
        FloatVector b = minusN.fma(FloatVector.broadcast(species, 0x1.7f7d1cp-20f),
                minusN.fma(FloatVector.broadcast(species, 0x1.62e4p-1f), x));
        FloatVector u = b.mul(b);
        FloatVector j = b.fma(0x1.0e4020p-7f, 0x1.573e2ep-5f).fma(u, b.fma(0x1.555e66p-3f, 0x1.fffdb6p-2f))
                .fma(u, b.fma(0x1.ffffecp-1f, 1.0f));
        IntVector k = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector scaled = j.mul(powerOfTwo(half)).mul(powerOfTwo(k.sub(half)));
        FloatVector saturated = FloatVector.zero(species)
                .blend(Float.POSITIVE_INFINITY, n.compare(VectorOperators.GT, 0f));
        return scaled.blend(saturated, n.abs().compare(VectorOperators.GT, 192f));
    }

    /** {@code 2^k} for every lane, |k| ≤ 126 (garbage outside: those lanes are replaced by the caller). */
    private static FloatVector powerOfTwo(IntVector k) {
        return (FloatVector) k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /**
     * The C library's {@code expf}, for the leftover elements: glibc's ({@link GlibcMath#exp}), which misses the
     * correctly rounded float by one ulp for about 7 arguments in 100,000, so {@code (float) Math.exp(x)} would not do.
     */
    public static float scalar(float x) {
        return GlibcMath.exp(x);
    }

    /**
     * True when element {@code i} of a row of {@code n} is in one of ggml's full 16-lane groups (it then takes
     * {@link #vector}), false for the {@code n mod 16} elements left over at the end (they take {@link #scalar}).
     */
    public static boolean inVectorPart(int i, int n) {
        return i < n - n % LANES;
    }
}
