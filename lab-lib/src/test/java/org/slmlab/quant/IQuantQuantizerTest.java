package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slmlab.gguf.GgmlType;

/** The I-quant quantizers beyond the reference rows: importance requirements and concurrent use. */
class IQuantQuantizerTest {

    @ParameterizedTest
    @EnumSource(names = {"IQ2_XXS", "IQ2_XS", "IQ1_S"})
    void typesThatNeedAnImatrixSaySoInsteadOfGuessing(GgmlType type) {
        QuantCodec codec = Codecs.of(type);
        assertTrue(codec.requiresImportance());
        float[] x = TestData.floats(TestData.Kind.NORMAL, 256, 1);
        MemorySegment out = MemorySegment.ofArray(new byte[type.typeSize()]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.quantize(x, 0, out, 0, 256, null));
        assertTrue(e.getMessage().contains(type.name()) && e.getMessage().contains("importance"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codec.quantize(x, 0, out, 0, 256, new float[128]));
    }

    /** The lattice tables are built lazily and shared: quantizing on many threads must give the same bytes. */
    @ParameterizedTest
    @EnumSource(names = {"IQ4_NL", "IQ4_XS", "IQ3_S", "IQ3_XXS", "IQ2_S", "IQ2_XS", "IQ2_XXS", "IQ1_S", "IQ1_M"})
    void quantizingInParallelGivesTheSameBytes(GgmlType type) {
        QuantCodec codec = Codecs.of(type);
        int rows = 8;
        int n = 256;
        float[] x = TestData.floats(TestData.Kind.OUTLIERS, rows * n, 7);
        float[] importance = new float[n];
        java.util.Arrays.fill(importance, 1f);
        int rowBytes = (int) type.bytesFor(n);
        byte[] parallel = new byte[rows * rowBytes];
        byte[] sequential = new byte[rows * rowBytes];
        IntStream.range(0, rows).parallel().forEach(r -> codec.quantize(x, r * n,
                MemorySegment.ofArray(parallel), (long) r * rowBytes, n, importance));
        for (int r = 0; r < rows; r++) {
            codec.quantize(x, r * n, MemorySegment.ofArray(sequential), (long) r * rowBytes, n, importance);
        }
        assertArrayEquals(sequential, parallel);
    }
}
