package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GGUFFormatException;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.gguf.GGUFWriter;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;

/** BitNet b1.58: absmean ternarization, and reading bitnet.cpp's I2_S tensors from bitnet-b1.58 files. */
class BitNetTest {

    @Test
    void absmeanScalesByTheMeanMagnitudeAndRoundsToTernary() {
        // mean |w| = (0.9 + 0.2 + 0.3 + 0 + 2.6 + 0.45 + 0.15 + 0.6) / 8 = 0.65
        float[] w = {0.9f, -0.2f, 0.3f, 0f, -2.6f, 0.45f, -0.15f, 0.6f};
        var t = BitNetTernarizer.absmean(w, 0, w.length);
        assertEquals(0.65f, t.scale(), 1e-7f);
        // w/γ = 1.38, -0.31, 0.46, 0, -4, 0.69, -0.23, 0.92
        assertArrayEquals(new byte[] {1, 0, 0, 0, -1, 1, 0, 1}, t.values());
        assertArrayEquals(new float[] {t.scale(), 0, 0, 0, -t.scale(), t.scale(), 0, t.scale()}, t.dequantize());
    }

    @Test
    void absmeanRoundsHalvesToEvenAndSurvivesAllZeros() {
        // γ = 1: ±0.5 rounds to 0 (half to even), 1.5 to 2 and is clamped to 1
        var t = BitNetTernarizer.absmean(new float[] {0.5f, -0.5f, 1.5f, 1.5f}, 0, 4);
        assertEquals(1f, t.scale());
        assertArrayEquals(new byte[] {0, 0, 1, 1}, t.values());
        var zeros = BitNetTernarizer.absmean(new float[4], 0, 4);
        assertEquals(BitNetTernarizer.MIN_SCALE, zeros.scale());
        assertArrayEquals(new byte[4], zeros.values());
    }

    @Test
    void i2sPacksFourRunsOf32WeightsIntoEachGroupOf32Bytes() {
        byte[] q = new byte[128];
        q[0] = 1;    // group byte 0, bits 7-6: code 2
        q[32] = -1;  // byte 0, bits 5-4: code 0
        q[64] = 1;   // byte 0, bits 3-2: code 2
        q[127] = 1;  // byte 31, bits 1-0: code 2
        MemorySegment s = MemorySegment.ofArray(new byte[(int) GgmlType.I2_S.tensorBytes(128)]);
        BitNetI2S.write(q, 0.25f, s);
        // byte 0: 10 00 10 01 (weight 96 is 0 → code 1)
        assertEquals(0b10_00_10_01, s.get(ValueLayout.JAVA_BYTE, 0) & 0xFF);
        assertEquals(0b01_01_01_10, s.get(ValueLayout.JAVA_BYTE, 31) & 0xFF);
        assertEquals(0b01_01_01_01, s.get(ValueLayout.JAVA_BYTE, 5) & 0xFF);
        assertEquals(0.25f, BitNetI2S.scale(s, 128));
        float[] back = new float[128];
        BitNetI2S.dequantize(s, 128, 0, back, 0, 128);
        assertEquals(0.25f, back[0]);
        assertEquals(-0.25f, back[32]);
        assertEquals(0f, back[96]);
    }

    @Test
    void readsI2sTensorsFromABitNetFile(@TempDir Path tmp) throws IOException {
        int cols = 256;
        int rows = 6;
        float[] w = new float[cols * rows];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.05f;
        }
        var t = BitNetTernarizer.absmean(w, 0, w.length);
        MemorySegment packed = MemorySegment.ofArray(new byte[(int) GgmlType.I2_S.tensorBytes(w.length)]);
        BitNetI2S.write(t.values(), t.scale(), packed);
        Path file = tmp.resolve("bitnet-i2s.gguf");
        new GGUFWriter()
                .set("general.architecture", GGUFValue.of(GgmlType.BITNET_ARCHITECTURE))
                .addTensor("blk.0.attn_norm.weight", new float[cols], cols)
                .addTensor("blk.0.ffn_up.weight", GgmlType.I2_S, new long[] {cols, rows}, packed)
                .addTensor("blk.0.ffn_norm.weight", new float[cols], cols)
                .write(file);

        try (GGUFFile f = GGUFFile.open(file)) {
            TensorInfo up = f.tensor("blk.0.ffn_up.weight");
            assertEquals(GgmlType.I2_S, up.type());
            assertEquals(cols * rows / 4 + 32, up.byteSize());
            float[] back = new float[w.length];
            BitNetI2S.dequantize(f.tensorData(up), w.length, 0, back, 0, w.length);
            assertArrayEquals(t.dequantize(), back);
            // the tensor after it starts at the next aligned offset past the scale's padding
            assertEquals(up.offset() + up.byteSize(), f.tensor("blk.0.ffn_norm.weight").offset());
        }
    }

    @Test
    void id36OutsideABitNetFileIsTheRemovedUpstreamType(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("not-bitnet.gguf");
        new GGUFWriter()
                .set("general.architecture", GGUFValue.of("llama"))
                .addTensor("w.weight", GgmlType.I2_S, new long[] {128, 1},
                        MemorySegment.ofArray(new byte[(int) GgmlType.I2_S.tensorBytes(128)]))
                .write(file);
        var e = assertThrows(GGUFFormatException.class, () -> GGUFFile.open(file).close());
        assertTrue(e.getMessage().contains("removed"), e.getMessage());
    }

    @Test
    void aWrongLengthOrACode3IsReportedNotMisread() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BitNetI2S.scale(MemorySegment.ofArray(new byte[40]), 128));
        assertTrue(e.getMessage().contains("64"), e.getMessage());
        MemorySegment s = MemorySegment.ofArray(new byte[(int) GgmlType.I2_S.tensorBytes(128)]);
        s.set(ValueLayout.JAVA_BYTE, 3, (byte) 0xC0);
        assertThrows(IllegalArgumentException.class, () -> BitNetI2S.dequantize(s, 128, 0, new float[128], 0, 128));
    }
}
