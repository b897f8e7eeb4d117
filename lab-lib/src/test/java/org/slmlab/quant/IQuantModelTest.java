package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.testing.SharedReference;

/**
 * The I-quant quantizers on whole model tensors: every I-quant tensor that llama-quantize wrote into the reference
 * models (from their F32 masters, without an imatrix) is reproduced byte for byte from the F32 weights — 256 to
 * 512 rows per tensor instead of the 8 rows of the quant reference files.
 */
class IQuantModelTest {

    @ParameterizedTest
    // one model per type keeps this fast; the two models' tensors are drawn alike
    @CsvSource({"mini-llama, IQ3_S", "mini-llama, IQ4_NL", "mini-qwen3, IQ4_XS"})
    void llamaQuantizeOutputIsReproduced(String model, GgmlType type) throws IOException {
        QuantCodec codec = Codecs.of(type);
        int checked = 0;
        try (GGUFFile master = GGUFFile.open(SharedReference.path("models/" + model + "-F32.gguf"));
                GGUFFile quantized = GGUFFile.open(SharedReference.path("models/" + model + "-" + type + ".gguf"))) {
            for (TensorInfo t : quantized.tensors()) {
                if (t.type() != type) {
                    continue;
                }
                TensorInfo source = master.tensor(t.name());
                assertEquals(GgmlType.F32, source.type(), t.name());
                float[] x = master.tensorData(source).toArray(LittleEndian.FLOAT);
                int n = (int) t.rowLength();
                long rowBytes = t.rowBytes();
                byte[] mine = new byte[(int) (rowBytes * t.rows())];
                for (int r = 0; r < t.rows(); r++) {
                    codec.quantize(x, r * n, MemorySegment.ofArray(mine), r * rowBytes, n, null);
                }
                MemorySegment expected = quantized.tensorData(t);
                long first = MemorySegment.mismatch(MemorySegment.ofArray(mine), 0, mine.length, expected, 0,
                        expected.byteSize());
                assertEquals(-1, first, model + " " + t.name() + " (" + type + ") differs first at byte " + first
                        + " (row " + (first / rowBytes) + ")");
                checked++;
            }
        }
        assertTrue(checked > 0, "no " + type + " tensor in " + model);
    }
}
