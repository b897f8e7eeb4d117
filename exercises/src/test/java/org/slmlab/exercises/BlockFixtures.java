package org.slmlab.exercises;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.Fp16;

/** Blocks to test with, and the lab's own codecs as the reference answers. */
final class BlockFixtures {

    private BlockFixtures() {
    }

    /** The lab's quantization of one block of {@code type}. */
    static byte[] quantize(GgmlType type, float[] x) {
        byte[] out = new byte[type.typeSize()];
        Codecs.of(type).quantize(x, 0, MemorySegment.ofArray(out), 0, type.blockSize(), null);
        return out;
    }

    /** The lab's dequantization of one block of {@code type}. */
    static float[] dequantize(GgmlType type, byte[] block) {
        float[] x = new float[type.blockSize()];
        Codecs.of(type).dequantize(MemorySegment.ofArray(block), 0, x, 0, type.blockSize());
        return x;
    }

    /** Weights of kind {@code kind % 5}: normal, tiny, with an outlier, constant, ternary. */
    static float[] weights(SplittableRandom r, int n, int kind) {
        float[] x = new float[n];
        float c = (float) r.nextGaussian();
        for (int i = 0; i < n; i++) {
            x[i] = switch (kind % 5) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> (float) (r.nextGaussian() * 1e-3);
                case 2 -> (float) (i == 7 ? 40 * r.nextGaussian() : r.nextGaussian());
                case 3 -> c;
                default -> 0.25f * (r.nextInt(3) - 1);
            };
        }
        return x;
    }

    /** A block of random bytes whose fp16 scale(s) at the given offsets are finite. */
    static byte[] randomBlock(SplittableRandom r, GgmlType type, int... scaleOffsets) {
        byte[] b = new byte[type.typeSize()];
        r.nextBytes(b);
        for (int off : scaleOffsets) {
            short d = Fp16.fromFloat((float) (r.nextGaussian() * 0.05));
            b[off] = (byte) d;
            b[off + 1] = (byte) (d >> 8);
        }
        return b;
    }
}
