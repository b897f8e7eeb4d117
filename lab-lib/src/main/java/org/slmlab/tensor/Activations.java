package org.slmlab.tensor;

import jdk.incubator.vector.FloatVector;
import org.slmlab.quant.Simd;

/** The FFN gate non-linearities, computed as ggml's CPU backend computes them. */
public final class Activations {

    private Activations() {
    }

    /**
     * {@code gate[i] = silu(gate[i]) · up[i]} for i in [from, to) of rows {@code width} long — ggml's SwiGLU loop:
     * {@link #silu} on each row's groups of 16, {@link #siluLeftover} on the {@code width mod 16} after them. The
     * fast path takes a whole group at once ({@link GgmlExp#vector(FloatVector)}, the same operations lane by
     * lane, so the same bits); the references are the one-element methods.
     */
    public static void swiGlu(float[] gate, float[] up, int from, int to, int width) {
        int i = from;
        while (i < to) {
            int col = i % width;
            boolean inGroup = GgmlExp.inVectorPart(col, width);
            if (Simd.FAST && inGroup && col % GgmlExp.LANES == 0 && i + GgmlExp.LANES <= to) {
                FloatVector x = FloatVector.fromArray(Simd.F512, gate, i);
                FloatVector e = GgmlExp.vector(FloatVector.zero(Simd.F512).sub(x));
                x.div(e.add(1f)).mul(FloatVector.fromArray(Simd.F512, up, i)).intoArray(gate, i);
                i += GgmlExp.LANES;
            } else {
                gate[i] = (inGroup ? silu(gate[i]) : siluLeftover(gate[i])) * up[i];
                i++;
            }
        }
    }

    /**
     * {@code silu(x) = x · sigmoid(x) = x / (1 + e^(−x))}, in float as ggml's vector loop computes it (with its
     * exponential, {@link GgmlExp#vector}) for all but the last {@code n mod 16} elements of a row.
     */
    public static float silu(float x) {
        return x / (1f + GgmlExp.vector(0f - x));
    }

    /** SiLU of the leftover elements of a row, which ggml computes one at a time with {@code expf}. */
    public static float siluLeftover(float x) {
        return x / (1f + GgmlExp.scalar(-x));
    }

    /**
     * GELU, tanh approximation: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}.
     *
     * <p>ggml's CPU backend does not evaluate this per element: it rounds x to F16 and reads a 65,536-entry table
     * of F16 results (built once from the float formula), and passes |x| ≥ 10 through as x or 0. We do the same,
     * because the F16 rounding of the result (about 3 decimal digits) is visible in Gemma's logits.
     */
    public static float geluTanh(float x) {
        if (x <= -10f) {
            return 0f;
        }
        if (x >= 10f) {
            return x;
        }
        return GeluTable.TABLE[Float.floatToFloat16(x) & 0xFFFF];
    }

    /**
     * The float formula the table is built from ({@code ggml_gelu_f32}). ggml's C is compiled with floating-point
     * contraction, so {@code 1 + a·x·x} is one fused multiply-add; computed that way, entries that land near an F16
     * rounding boundary round as llama.cpp's do (mini-gemma3-F16 agrees bit for bit at 14 positions instead of 10).
     */
    static float geluTanhFormula(float x) {
        final float sqrt2OverPi = 0.79788456080286535587989211986876f;
        final float coefA = 0.044715f;
        return 0.5f * x * (1.0f + (float) Math.tanh(sqrt2OverPi * x * Math.fma(coefA * x, x, 1.0f)));
    }

    /** {@code relu(x)²}, BitNet b1.58's gate. */
    public static float reluSquared(float x) {
        float r = Math.max(x, 0f);
        return r * r;
    }

    private static final class GeluTable {
        static final float[] TABLE = new float[1 << 16];

        static {
            for (int i = 0; i < TABLE.length; i++) {
                float x = Float.float16ToFloat((short) i);
                TABLE[i] = Float.float16ToFloat(Float.floatToFloat16(geluTanhFormula(x)));
            }
        }
    }
}
