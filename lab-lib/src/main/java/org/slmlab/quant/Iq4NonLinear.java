package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 16-value non-linear codebook shared by IQ4_NL and IQ4_XS, and ggml's quantizer for both
 * ({@code quantize_row_iq4_nl_impl} in ggml-quants.c).
 *
 * <p>A 4-bit code does not stand for an evenly spaced level (as in Q4_0) but indexes {@link #VALUES}: levels
 * that are dense near zero and sparse in the tails, which is where the weights of a trained network are. Each
 * weight is {@code w = d · VALUES[code]} with one scale {@code d} per block of 32.
 */
final class Iq4NonLinear {

    /**
     * {@code kvalues_iq4nl} from ggml-common.h (llama.cpp): the levels that define the IQ4_NL and IQ4_XS formats.
     * Ascending, which {@link #bestIndex} relies on.
     */
    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** ggml's {@code GROUP_MAX_EPS}: a block whose largest |x| is below this is stored as all zeros. */
    private static final float GROUP_MAX_EPS = 1e-15f;

    /** How many scales around the first guess the quantizer tries on each side (ggml_quantize_chunk passes 7). */
    private static final int NTRY = 7;

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final ByteVector VALUES_VECTOR = ByteVector.fromArray(B128, VALUES, 0);

    private Iq4NonLinear() {
    }

    /**
     * The code whose level is nearest to {@code x} ({@code best_index_int8}): a binary search, and on an exact
     * tie between two levels the upper one.
     */
    static int bestIndex(float x) {
        if (x <= VALUES[0]) {
            return 0;
        }
        if (x >= VALUES[15]) {
            return 15;
        }
        int lo = 0;
        int hi = 15;
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            if (x < VALUES[mid]) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return x - VALUES[hi - 1] < VALUES[hi] - x ? hi - 1 : hi;
    }

    /**
     * The codes and scales of one super-block, as ggml computes them. IQ4_NL calls this with a super-block of one
     * block (32 weights) and stores the float scale directly; IQ4_XS with 8 blocks and stores each block scale as a
     * 6-bit multiple of one fp16 super-block scale.
     *
     * @param x          {@code superBlock} weights from {@code x[xOff]}
     * @param importance the imatrix entries of these weights from {@code importance[impOff]}, or null
     * @param scales     out: each 32-block's scale
     * @param codes      out: each weight's 4-bit code
     * @return the super-block's largest-magnitude block scale (signed), or 0 if every block is ~zero
     */
    static float chooseCodes(float[] x, int xOff, int superBlock, float[] importance, int impOff, float[] scales,
            byte[] codes) {
        float sigma2 = 0;
        for (int j = 0; j < superBlock; j++) {
            sigma2 += x[xOff + j] * x[xOff + j];
        }
        sigma2 *= 2.f / superBlock;

        float[] weight = new float[32];
        float maxScale = 0;
        float amaxScale = 0;
        for (int ib = 0; ib < superBlock / 32; ib++) {
            int xb = xOff + 32 * ib;
            for (int j = 0; j < 32; j++) {
                float v = x[xb + j];
                weight[j] = importance != null
                        ? importance[impOff + 32 * ib + j] * (float) Math.sqrt(sigma2 + v * v)
                        : v * v;
            }
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float ax = Math.abs(x[xb + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[xb + j];
                }
            }
            if (amax < GROUP_MAX_EPS) {
                scales[ib] = 0;
                continue;
            }
            // First guess: the extreme weight maps to the extreme level; then the least-squares scale for the
            // codes that guess gives.
            float d = -max / VALUES[0];
            float id = 1 / d;
            float sumqx = 0;
            float sumq2 = 0;
            for (int j = 0; j < 32; j++) {
                int l = bestIndex(id * x[xb + j]);
                codes[32 * ib + j] = (byte) l;
                float q = VALUES[l];
                float w = weight[j];
                sumqx += w * q * x[xb + j];
                sumq2 += w * q * q;
            }
            d = sumq2 > 0 ? sumqx / sumq2 : 0.f;
            float best = d * sumqx;
            // Then a few inverse scales around it; keep the one with the smallest weighted squared error.
            for (int itry = -NTRY; itry <= NTRY; itry++) {
                id = (itry + VALUES[0]) / max;
                sumqx = 0;
                sumq2 = 0;
                for (int j = 0; j < 32; j++) {
                    float q = VALUES[bestIndex(id * x[xb + j])];
                    float w = weight[j];
                    sumqx += w * q * x[xb + j];
                    sumq2 += w * q * q;
                }
                if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                    d = sumqx / sumq2;
                    best = d * sumqx;
                }
            }
            scales[ib] = d;
            if (Math.abs(d) > amaxScale) {
                amaxScale = Math.abs(d);
                maxScale = d;
            }
        }
        return maxScale;
    }

    /** Codes of 32 weights for the scale {@code d}: each weight's nearest level of {@code x / d}. */
    static void recode(float[] x, int xOff, float d, byte[] codes, int codesOff) {
        float id = d != 0 ? 1 / d : 0.f;
        for (int j = 0; j < 32; j++) {
            codes[codesOff + j] = (byte) bestIndex(id * x[xOff + j]);
        }
    }

    /** Packs 32 codes into 16 bytes: byte j holds code j in its low nibble and code j + 16 in its high one. */
    static void pack(byte[] codes, int codesOff, MemorySegment dst, long qsOff) {
        for (int j = 0; j < 16; j++) {
            dst.set(JAVA_BYTE, qsOff + j,
                    (byte) (codes[codesOff + j] | (codes[codesOff + 16 + j] << 4)));
        }
    }

    /** Vector path: the 32 weights {@code d · VALUES[code]} of the 16 code bytes at {@code qsOff}. */
    static void dequantize32(MemorySegment src, long qsOff, float d, float[] dst, int dstOff) {
        levels32(src, qsOff, dst, dstOff);
        BlockVectors.scaleBlock(dst, dstOff, d);
    }

    /** The levels {@code VALUES[code]} of the 32 codes in the 16 bytes at {@code qsOff}, as floats. */
    static void levels32(MemorySegment src, long qsOff, float[] dst, int dstOff) {
        ByteVector q = ByteVector.fromMemorySegment(B128, src, qsOff, ByteOrder.LITTLE_ENDIAN);
        ByteVector low = q.and((byte) 0x0F).selectFrom(VALUES_VECTOR);
        ByteVector high = q.lanewise(VectorOperators.LSHR, 4).selectFrom(VALUES_VECTOR);
        ((FloatVector) low.convertShape(VectorOperators.B2F, F512, 0)).intoArray(dst, dstOff);
        ((FloatVector) high.convertShape(VectorOperators.B2F, F512, 0)).intoArray(dst, dstOff + 16);
    }

    /** Vector path: Σ VALUES[code_j] · q8_j over the 32 weights of the 16 code bytes at {@code qsOff}. */
    static int dot32(MemorySegment w, long qsOff, MemorySegment act, long q8Off) {
        ByteVector q = ByteVector.fromMemorySegment(B128, w, qsOff, ByteOrder.LITTLE_ENDIAN);
        ByteVector low = q.and((byte) 0x0F).selectFrom(VALUES_VECTOR);
        ByteVector high = q.lanewise(VectorOperators.LSHR, 4).selectFrom(VALUES_VECTOR);
        ByteVector a0 = ByteVector.fromMemorySegment(B128, act, q8Off, ByteOrder.LITTLE_ENDIAN);
        ByteVector a1 = ByteVector.fromMemorySegment(B128, act, q8Off + 16, ByteOrder.LITTLE_ENDIAN);
        IntVector p0 = ((IntVector) low.convertShape(VectorOperators.B2I, I512, 0))
                .mul((IntVector) a0.convertShape(VectorOperators.B2I, I512, 0));
        IntVector p1 = ((IntVector) high.convertShape(VectorOperators.B2I, I512, 0))
                .mul((IntVector) a1.convertShape(VectorOperators.B2I, I512, 0));
        return p0.add(p1).reduceLanes(VectorOperators.ADD);
    }

    /** Scalar reference of {@link #dot32}. */
    static int dot32Scalar(MemorySegment w, long qsOff, MemorySegment act, long q8Off) {
        int sum = 0;
        for (int j = 0; j < 16; j++) {
            int b = w.get(JAVA_BYTE, qsOff + j) & 0xFF;
            sum += act.get(JAVA_BYTE, q8Off + j) * VALUES[b & 0x0F];
            sum += act.get(JAVA_BYTE, q8Off + 16 + j) * VALUES[b >> 4];
        }
        return sum;
    }
}
