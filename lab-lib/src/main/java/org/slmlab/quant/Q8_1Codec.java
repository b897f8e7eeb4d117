package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * Q8_1: the activation format of Q4_1 and Q5_1 — Q8_0 plus {@code s = d · Σq}, the block's sum, in fp16. The
 * weight types with a minimum need that sum: Σ (d·q + m)·a = d·Σ q·a + m·Σ a.
 *
 * <pre>
 * block_q8_1 (36 bytes):  d: fp16 | s: fp16 | qs: int8[32]
 * </pre>
 *
 * Only activations are ever Q8_1: ggml has no dot product with Q8_1 weights (and no dequantizer; the one here,
 * {@code q·d}, exists for error measurements).
 */
public final class Q8_1Codec extends BlockCodec {

    static final int QK = GgmlType.Q8_1.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q8_1.typeSize();
    static final int S = 2;
    static final int QS = 4;

    public Q8_1Codec() {
        super(GgmlType.Q8_1, GgmlType.Q8_1);
    }

    @Override
    public boolean activationOnly() {
        return true;
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            Q8_0Codec.dequantizeBlock(src, block + QS, Fp16.read(src, block), dst, dstOffset + b * QK);
        }
    }

    /** ggml's {@code quantize_row_q8_1_ref}: Q8_0's quants and scale, plus the block sum. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int b = 0; b < n / QK; b++) {
            long block = dstOffset + (long) b * BLOCK_BYTES;
            putScaleAndSum(dst, block, Q8_0Codec.quantizeBlock(src, srcOffset + b * QK, dst, block + QS));
        }
    }

    /** ggml's x86 {@code quantize_row_q8_1}, the CPU matmul's: Q8_0's activation quantizer plus the block sum. */
    @Override
    public void quantizeActivation(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n) {
        for (int b = 0; b < n / QK; b++) {
            long block = dstOffset + (long) b * BLOCK_BYTES;
            putScaleAndSum(dst, block, Q8_0Codec.activationBlock(src, srcOffset + b * QK, dst, block + QS));
        }
    }

    /** The fp16 scale {@code d} and the fp16 {@code s = d · Σq} of the block whose quants are already written. */
    private static void putScaleAndSum(MemorySegment dst, long block, float d) {
        int sum = 0;
        for (int j = 0; j < QK; j++) {
            sum += dst.get(JAVA_BYTE, block + QS + j);
        }
        Fp16.write(dst, block, d);
        Fp16.write(dst, block + S, sum * d);
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        throw new UnsupportedOperationException(
                "Q8_1 is an activation format only: ggml has no Q8_1 weight dot product");
    }
}
