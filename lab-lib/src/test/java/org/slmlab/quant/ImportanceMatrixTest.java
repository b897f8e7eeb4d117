package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.gguf.GGUFWriter;

/** Both imatrix formats become per-column means, the way llama-quantize reads them. */
class ImportanceMatrixTest {

    @Test
    void ggufSumsAreDividedByTheirExpertsCountsAndUnseenColumnsCountAsOne(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("imatrix.gguf");
        new GGUFWriter()
                .set("general.type", GGUFValue.of("imatrix"))
                .addTensor("blk.0.ffn_up_exps.weight.in_sum2", new float[] {2, 4, 6, 8, 10, 12, 14, 16}, 4, 2)
                .addTensor("blk.0.ffn_up_exps.weight.counts", new float[] {2, 0}, 1, 2)
                .write(file);
        ImportanceMatrix m = ImportanceMatrix.load(file);
        assertEquals(1, m.size());
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 1, 1, 1}, m.of("blk.0.ffn_up_exps.weight"));
        assertNull(m.of("blk.0.attn_q.weight"));
    }

    @Test
    void legacyDatValuesAreDividedByTheirCallCount(@TempDir Path tmp) throws IOException {
        byte[] name = "blk.0.attn_q.weight".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + name.length + 4 + 4 + 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt(name.length).put(name).putInt(4).putInt(3).putFloat(4).putFloat(8).putFloat(2);
        Path file = tmp.resolve("imatrix.dat");
        Files.write(file, b.array());
        assertArrayEquals(new float[] {1, 2, 0.5f}, ImportanceMatrix.load(file).of("blk.0.attn_q.weight"));
    }

    @Test
    void aTruncatedLegacyFileSaysWhereItEnds(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("bad.dat");
        Files.write(file, new byte[] {1, 0, 0, 0, 5, 0, 0, 0, 'a', 'b'});
        var e = assertThrows(IOException.class, () -> ImportanceMatrix.load(file));
        assertTrue(e.getMessage().contains("bad.dat"), e.getMessage());
    }
}
