package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * IQ4_XS: the IQ4_NL levels in super-blocks of 256 weights with 6-bit block scales, 4.25 bits a weight.
 *
 * <pre>
 * block_iq4_xs (136 bytes):  d: fp16 | scales_h: uint16 | scales_l: uint8[4] | qs: uint8[128]
 * block b (0..7) of 32 weights:
 *   ls    = (scales_l[b/2] &gt;&gt; 4·(b%2) &amp; 0xF) | ((scales_h &gt;&gt; 2·b &amp; 3) &lt;&lt; 4)      6 bits, 0..63
 *   scale = d · (ls − 32)
 *   its 16 code bytes qs[16·b ..] are laid out as in IQ4_NL: weight j low nibble, weight j + 16 high nibble
 * weight = scale · kvalues_iq4nl[code]
 * </pre>
 *
 * Trading IQ4_NL's fp16 scale per 32 weights for a 6-bit one saves a quarter bit a weight. The dot product
 * pairs a super-block with a Q8_K activation block.
 */
public final class Iq4XsCodec extends BlockCodec {

    private static final int QK = GgmlType.IQ4_XS.blockSize();
    private static final int BLOCK_BYTES = GgmlType.IQ4_XS.typeSize();
    private static final int SCALES_H = 2;
    private static final int SCALES_L = 4;
    private static final int QS = 8;

    public Iq4XsCodec() {
        super(GgmlType.IQ4_XS, GgmlType.Q8_K);
    }

    /** The 6-bit scale of 32-block {@code b}, still offset by 32. */
    private static int blockScale(MemorySegment src, long block, int b) {
        int low = (src.get(JAVA_BYTE, block + SCALES_L + b / 2) >> 4 * (b % 2)) & 0xF;
        int high = (src.get(LittleEndian.SHORT, block + SCALES_H) >> 2 * b) & 3;
        return low | high << 4;
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * BLOCK_BYTES;
            float d = Fp16.read(src, block);
            for (int b = 0; b < QK / 32; b++) {
                float dl = d * (blockScale(src, block, b) - 32);
                int y = dstOffset + i * QK + 32 * b;
                for (int j = 0; j < 16; j++) {
                    int code = src.get(JAVA_BYTE, block + QS + 16 * b + j) & 0xFF;
                    dst[y + j] = dl * Iq4NonLinear.VALUES[code & 0x0F];
                    dst[y + j + 16] = dl * Iq4NonLinear.VALUES[code >> 4];
                }
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * BLOCK_BYTES;
            float d = Fp16.read(src, block);
            for (int b = 0; b < QK / 32; b++) {
                float dl = d * (blockScale(src, block, b) - 32);
                Iq4NonLinear.dequantize32(src, block + QS + 16 * b, dl, dst, dstOffset + i * QK + 32 * b);
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        float[] scales = new float[QK / 32];
        byte[] codes = new byte[QK];
        for (int i = 0; i < n / QK; i++) {
            long block = dstOffset + (long) i * BLOCK_BYTES;
            int x = srcOffset + i * QK;
            float maxScale = Iq4NonLinear.chooseCodes(src, x, QK, importance, i * QK, scales, codes);
            // The super-block scale maps the largest block scale to −32 (the 6-bit range is −32..31).
            float d = -maxScale / 32;
            Fp16.write(dst, block, d);
            float id = d != 0 ? 1 / d : 0.f;
            int scalesH = 0;
            for (int b = 0; b < QK / 32; b++) {
                int l = Math.clamp(Rounding.nearestInt(id * scales[b]), -32, 31);
                Iq4NonLinear.recode(src, x + 32 * b, d * l, codes, 32 * b);
                l += 32;
                long sl = block + SCALES_L + b / 2;
                byte previous = b % 2 == 0 ? 0 : dst.get(JAVA_BYTE, sl);
                dst.set(JAVA_BYTE, sl, (byte) (previous | (l & 0xF) << 4 * (b % 2)));
                scalesH |= (l >> 4) << 2 * b;
            }
            dst.set(LittleEndian.SHORT, block + SCALES_H, (short) scalesH);
            for (int b = 0; b < QK / 32; b++) {
                Iq4NonLinear.pack(codes, 32 * b, dst, block + QS + 16 * b);
            }
        }
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return dot(w, wOffset, act, actOffset, n, false);
    }

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return dot(w, wOffset, act, actOffset, n, true);
    }

    private float dot(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n, boolean fast) {
        float sum = 0;
        for (int i = 0; i < n / QK; i++) {
            long block = wOffset + (long) i * BLOCK_BYTES;
            long ab = actOffset + (long) i * Q8_KCodec.BLOCK_BYTES;
            float d4d8 = Fp16.read(w, block) * act.get(LittleEndian.FLOAT, ab);
            for (int b = 0; b < QK / 32; b++) {
                float dl = d4d8 * (blockScale(w, block, b) - 32);
                long qs = block + QS + 16 * b;
                long q8 = ab + Q8_KCodec.QS + 32 * b;
                sum += dl * (fast ? Iq4NonLinear.dot32(w, qs, act, q8) : Iq4NonLinear.dot32Scalar(w, qs, act, q8));
            }
        }
        return sum;
    }
}
