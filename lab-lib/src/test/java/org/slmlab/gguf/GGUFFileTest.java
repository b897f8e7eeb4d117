package org.slmlab.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.testing.SharedReference;

/** The typed getters, tensor lookup and zero-copy tensor data of {@link GGUFFile}, on mini-llama-Q4_0. */
class GGUFFileTest {

    private static Path miniLlama() {
        return SharedReference.path("models/mini-llama-Q4_0.gguf");
    }

    @Test
    void typedGettersConvertWhatFits() throws Exception {
        try (GGUFFile f = GGUFFile.open(miniLlama())) {
            assertEquals(3, f.version());
            assertEquals(32, f.alignment());
            assertEquals(12800, f.dataOffset());
            assertEquals("llama", f.getString("general.architecture"));
            assertEquals(2, f.getInt("llama.block_count"));
            assertEquals(256L, f.getLong("llama.context_length"));
            assertEquals(1e-5f, f.getFloat("llama.attention.layer_norm_rms_epsilon"));
            assertEquals(7, f.getInt("no.such.key", 7));
            assertEquals("x", f.getString("no.such.key", "x"));
            assertFalse(f.has("no.such.key"));
            String[] tokens = f.getStringArray("tokenizer.ggml.tokens");
            assertEquals(512, tokens.length);
            assertArrayEquals(new String[] {"<unk>", "<s>", "</s>"}, List.of(tokens).subList(0, 3).toArray());
            assertEquals("</s>", f.getArray("tokenizer.ggml.tokens").getString(2));
            assertEquals(512, f.getFloatArray("tokenizer.ggml.scores").length);
            int[] types = f.getIntArray("tokenizer.ggml.token_type");
            assertEquals(List.of(2, 3, 3), List.of(types[0], types[1], types[2]));
            assertEquals(List.of("general.architecture", "general.name"), f.metadata().keySet().stream().limit(2).toList());
        }
    }

    @Test
    void mismatchesNameTheKeyTheExpectedAndTheActualType() throws Exception {
        try (GGUFFile f = GGUFFile.open(miniLlama())) {
            var e = assertThrows(GGUFMetadataException.class, () -> f.getInt("general.architecture"));
            assertTrue(e.getMessage().contains("'general.architecture' is STRING, expected an integer"), e.getMessage());
            e = assertThrows(GGUFMetadataException.class, () -> f.getString("llama.block_count"));
            assertTrue(e.getMessage().contains("'llama.block_count' is UINT32, expected STRING"), e.getMessage());
            e = assertThrows(GGUFMetadataException.class, () -> f.getIntArray("tokenizer.ggml.scores"));
            assertTrue(e.getMessage().contains("is ARRAY of FLOAT32, expected ARRAY of an integer type"), e.getMessage());
            assertEquals(0, f.getInt("llama.missing", 0));
            e = assertThrows(GGUFMetadataException.class, () -> f.getInt("llama.missing"));
            assertTrue(e.getMessage().contains("'llama.missing' is missing"), e.getMessage());
            e = assertThrows(GGUFMetadataException.class, () -> f.getInt("general.name", 3));
            assertTrue(e.getMessage().contains("expected an integer"), "a default does not hide a wrong type");
            e = assertThrows(GGUFMetadataException.class, () -> f.tensor("blk.9.attn_q.weight"));
            assertTrue(e.getMessage().contains("no tensor named 'blk.9.attn_q.weight'"), e.getMessage());
        }
    }

    @Test
    void tensorDataIsAReadOnlySliceOfTheMapping() throws Exception {
        MemorySegment data;
        try (GGUFFile f = GGUFFile.open(miniLlama())) {
            TensorInfo norm = f.tensor("output_norm.weight");
            assertEquals(GgmlType.F32, norm.type());
            assertArrayEquals(new long[] {256}, norm.shape());
            assertEquals(73728, norm.offset());
            data = f.tensorData(norm);
            assertTrue(data.isMapped());
            assertTrue(data.isReadOnly());
            assertEquals(1024, data.byteSize());
            assertEquals(f.fileSegment().address() + f.dataOffset() + norm.offset(), data.address());
            float first = data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
            assertTrue(first >= 0.8f && first <= 1.2f, "norm weights are uniform in [0.8, 1.2]: " + first);
            TensorInfo out = f.tensor("output.weight");
            assertEquals(512, out.rows());
            assertEquals(256, out.rowLength());
            assertEquals(131072, out.elementCount());
            assertEquals(out.byteSize(), out.rows() * out.rowBytes());
        }
        MemorySegment closed = data;
        assertThrows(IllegalStateException.class, () -> closed.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void version2ReadsLikeVersion3(@TempDir Path tmp) throws Exception {
        Path v2 = tmp.resolve("v2.gguf");
        Files.copy(SharedReference.path("malformed/valid_base.gguf"), v2);
        try (FileChannel ch = FileChannel.open(v2, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 2), 4);
        }
        try (GGUFFile f2 = GGUFFile.open(v2); GGUFFile f3 = GGUFFile.open(SharedReference.path("malformed/valid_base.gguf"))) {
            assertEquals(2, f2.version());
            assertEquals(f3.metadata(), f2.metadata());
            assertEquals(f3.tensors(), f2.tensors());
            assertEquals(f3.dataOffset(), f2.dataOffset());
        }
    }
}
