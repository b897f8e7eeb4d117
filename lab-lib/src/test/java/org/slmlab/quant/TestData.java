package org.slmlab.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.slmlab.gguf.GgmlType;

/** Rows of floats and raw blocks that make quantizers and kernels meet their edge cases. */
final class TestData {

    private TestData() {
    }

    /** Float row kinds, the same spirit as the reference data's rows. */
    enum Kind { NORMAL, SMALL, UNIFORM, OUTLIERS, ZEROS, CONSTANT, TINY, TERNARY, HUGE }

    static float[] floats(Kind kind, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double g = gaussian(rnd);
            x[i] = switch (kind) {
                case NORMAL -> (float) g;
                case SMALL -> (float) (0.02 * g);
                case UNIFORM -> (float) (rnd.nextDouble() * 2 - 1);
                case OUTLIERS -> (float) (rnd.nextInt(50) == 0 ? g * 60 : g);
                case ZEROS -> i % 97 < 40 ? 0f : (float) g;
                case CONSTANT -> 0.7f;
                case TINY -> (float) (1e-6 * g);
                case TERNARY -> 0.3f * (rnd.nextInt(3) - 1);
                case HUGE -> (float) (3e4 * g);
            };
        }
        return x;
    }

    /** {@code bytes} random bytes, or one repeated byte when {@code fill} is not null. */
    static MemorySegment bytes(Arena arena, long bytes, Integer fill, long seed) {
        MemorySegment s = arena.allocate(bytes);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < bytes; i++) {
            s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (fill != null ? fill : rnd.nextInt()));
        }
        return s;
    }

    static MemorySegment quantized(Arena arena, QuantCodec codec, float[] x) {
        MemorySegment s = arena.allocate(codec.type().bytesFor(x.length));
        float[] importance = null;
        if (codec.requiresImportance()) {
            importance = new float[x.length];
            java.util.Arrays.fill(importance, 1f);
        }
        codec.quantize(x, 0, s, 0, x.length, importance);
        return s;
    }

    /**
     * {@code rows} weight rows of {@code n}, one after another: the first quantized from data of each {@link Kind}
     * in turn, the rest random bytes (every bit pattern: codes at their extremes, scales huge, infinite or NaN).
     */
    static MemorySegment weightRows(Arena arena, QuantCodec codec, int n, int rows) {
        long rowBytes = codec.type().bytesFor(n);
        Kind[] kinds = Kind.values();
        MemorySegment w = arena.allocate(rowBytes * rows, 64);
        for (int r = 0; r < rows; r++) {
            MemorySegment row = r < kinds.length
                    ? quantized(arena, codec, floats(kinds[r], n, 5L * r))
                    : bytes(arena, rowBytes, null, r);
            w.asSlice(r * rowBytes, rowBytes).copyFrom(row);
        }
        return w;
    }

    /** A row length of {@code blocks} blocks; for one-element "blocks" an odd length that leaves vector tails. */
    static int length(GgmlType type, int blocks) {
        return type.blockSize() == 1 ? blocks * 37 + 5 : blocks * type.blockSize();
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
