package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;
import org.slmlab.testing.SharedReference;

/**
 * The types llama.cpp multiplies with {@code ggml_vec_dot_*} for every (row, token) pair, a prompt's too (Q4_1,
 * Q5_1: no tinyBLAS kernel takes them), sum in exactly its x86 order: the scalar reference gives ggml's own dot
 * products bit for bit. (The fast kernels equal the scalar reference bit for bit: {@link Q0TileTest}.)
 */
class VecDotOrderTest {

    @ParameterizedTest
    @ValueSource(strings = {"Q4_1", "Q5_1"})
    void scalarReferenceEqualsGgmlBitForBit(String name) throws IOException {
        GgmlType type = GgmlType.valueOf(name);
        QuantCodec codec = Codecs.of(type);
        try (GGUFFile g = GGUFFile.open(SharedReference.path("quant/quant-" + name + ".gguf"))) {
            int n = (int) g.tensor("input").rowLength();
            MemorySegment w = g.tensorData("quantized");
            MemorySegment act = g.tensorData("activation_q");
            MemorySegment matvec = g.tensorData("matvec");
            for (int r = 0; r < g.tensor("input").rows(); r++) {
                float ggml = matvec.get(LittleEndian.FLOAT, 4L * r);
                float mine = codec.dotScalar(w, r * type.bytesFor(n), act, 0, n);
                assertEquals(Float.floatToRawIntBits(ggml), Float.floatToRawIntBits(mine),
                        name + " row " + r + ": " + mine + ", ggml " + ggml);
            }
        }
    }
}
