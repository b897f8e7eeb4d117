package org.slmlab.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files built with {@link GGUFWriter} read back with every value, shape, offset and byte as written. */
class GGUFWriterTest {

    @TempDir
    Path tmp;

    @Test
    void everyValueTypeAndTensorSourceReadsBack() throws Exception {
        byte[] q40 = new byte[2 * 18];
        for (int i = 0; i < q40.length; i++) {
            q40[i] = (byte) (i * 7);
        }
        Path file = tmp.resolve("all.gguf");
        new GGUFWriter()
                .set("general.architecture", GGUFValue.of("test"))
                .set("general.alignment", GGUFValue.ofUInt32(64))
                .set("u8", new GGUFValue.IntValue(GGUFValueType.UINT8, 255))
                .set("i8", new GGUFValue.IntValue(GGUFValueType.INT8, -128))
                .set("u16", new GGUFValue.IntValue(GGUFValueType.UINT16, 65535))
                .set("i16", new GGUFValue.IntValue(GGUFValueType.INT16, -32768))
                .set("u32", GGUFValue.ofUInt32(4_000_000_000L))
                .set("i32", GGUFValue.of(-5))
                .set("u64", new GGUFValue.IntValue(GGUFValueType.UINT64, -1))
                .set("i64", GGUFValue.of(Long.MIN_VALUE))
                .set("f32", GGUFValue.of(0.1f))
                .set("f64", GGUFValue.of(0.1))
                .set("bool", GGUFValue.of(true))
                .set("text", GGUFValue.of("héllo ✓"))
                .set("ints", GGUFArray.ofInts(1, -2, 3))
                .set("floats", GGUFArray.ofFloats(0.5f, -1.5f))
                .set("strings", GGUFArray.ofStrings(List.of("a", "", "日本")))
                .set("bytes", GGUFArray.ofIntegers(GGUFValueType.UINT8, 0, 255))
                .addTensor("vector", new float[] {1, 2, 3}, 3)
                .addTensor("quant", GgmlType.Q4_0, new long[] {32, 2}, q40)
                .addTensor("generated", GgmlType.I32, new long[] {5}, out -> {
                    for (int i = 0; i < 5; i++) {
                        out.set(LittleEndian.INT, 4L * i, i * i);
                    }
                })
                .write(file);

        try (GGUFFile f = GGUFFile.open(file)) {
            assertEquals(3, f.version());
            assertEquals(64, f.alignment());
            assertEquals(0, f.dataOffset() % 64);
            assertEquals(255, f.getInt("u8"));
            assertEquals(-128, f.getInt("i8"));
            assertEquals(65535, f.getInt("u16"));
            assertEquals(-32768, f.getInt("i16"));
            assertEquals(4_000_000_000L, f.getLong("u32"));
            assertThrows(GGUFMetadataException.class, () -> f.getInt("u32"), "4e9 does not fit an int");
            assertEquals("18446744073709551615", f.value("u64").toString());
            assertThrows(GGUFMetadataException.class, () -> f.getLong("u64"));
            assertEquals(Long.MIN_VALUE, f.getLong("i64"));
            assertEquals(0.1f, f.getFloat("f32"));
            assertEquals(0.1, f.getDouble("f64"));
            assertTrue(f.getBoolean("bool"));
            assertEquals("héllo ✓", f.getString("text"));
            assertArrayEquals(new int[] {1, -2, 3}, f.getIntArray("ints"));
            assertArrayEquals(new float[] {0.5f, -1.5f}, f.getFloatArray("floats"));
            assertArrayEquals(new String[] {"a", "", "日本"}, f.getStringArray("strings"));
            assertArrayEquals(new int[] {0, 255}, f.getIntArray("bytes"));
            assertEquals(List.of("general.architecture", "general.alignment", "u8"),
                    f.metadata().keySet().stream().limit(3).toList());

            assertEquals(List.of(0L, 64L, 128L), f.tensors().stream().map(TensorInfo::offset).toList());
            assertArrayEquals(new float[] {1, 2, 3}, f.tensorData("vector").toArray(LittleEndian.FLOAT));
            assertArrayEquals(q40, f.tensorData("quant").toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(new int[] {0, 1, 4, 9, 16}, f.tensorData("generated").toArray(LittleEndian.INT));
            assertEquals(f.dataOffset() + 128 + 64, f.fileSize(), "the last tensor is padded too");
        }
    }

    @Test
    void anInterruptedWriteLeavesNoFileBehind() throws Exception {
        Path file = tmp.resolve("stopped.gguf");
        GGUFWriter w = new GGUFWriter().set("general.architecture", GGUFValue.of("x"))
                .addTensor("a", new float[] {1, 2}, 2)
                .addTensor("b", GgmlType.F32, new long[] {2}, dst -> {
                    Thread.currentThread().interrupt(); // as if the user pressed Interrupt while "a" was written
                    dst.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 3f);
                })
                .addTensor("c", new float[] {5, 6}, 2);
        try {
            var e = assertThrows(java.io.InterruptedIOException.class, () -> w.write(file));
            assertTrue(e.getMessage().contains("before tensor c"), e.getMessage());
        } finally {
            assertTrue(Thread.interrupted());
        }
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "neither the target nor the temporary file remains");
        }
    }

    @Test
    void aFileWithoutTensorsEndsAfterItsMetadata() throws Exception {
        Path file = tmp.resolve("vocab.gguf");
        new GGUFWriter().set("general.architecture", GGUFValue.of("x")).write(file);
        long expected = 24 + (8 + "general.architecture".length()) + 4 + (8 + 1);
        assertEquals(expected, Files.size(file));
        try (GGUFFile f = GGUFFile.open(file)) {
            assertEquals(0, f.tensors().size());
            assertEquals("x", f.getString("general.architecture"));
        }
    }

    @Test
    void mistakesAreCaughtWhenATensorIsAdded() {
        GGUFWriter w = new GGUFWriter().addTensor("a", new float[] {1}, 1);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("a", new float[] {1}, 1), "duplicate name");
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("b", new float[] {1, 2}, 3), "size mismatch");
        assertThrows(IllegalArgumentException.class,
                () -> w.addTensor("c", GgmlType.Q4_0, new long[] {16}, new byte[9]), "half a Q4_0 block per row");
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x".repeat(64), new float[] {1}, 1));
        assertThrows(IllegalArgumentException.class, () -> w.set("general.alignment", GGUFValue.ofUInt32(48)));
        assertThrows(IllegalStateException.class, () -> w.set("general.alignment", GGUFValue.ofUInt32(64)),
                "the alignment cannot change once tensors are placed");
        assertThrows(IllegalArgumentException.class, () -> new GGUFValue.IntValue(GGUFValueType.UINT8, 256));
        assertEquals(1, w.tensors().size());
    }

    @Test
    void aSegmentSourceIsCopiedAsIs() throws Exception {
        MemorySegment src = MemorySegment.ofArray(new float[] {4, 5, 6, 7});
        Path file = tmp.resolve("seg.gguf");
        new GGUFWriter().addTensor("m", GgmlType.F32, new long[] {2, 2}, src).write(file);
        try (GGUFFile f = GGUFFile.open(file)) {
            TensorInfo m = f.tensor("m");
            assertEquals(2, m.rows());
            assertEquals(-1, f.tensorData(m).mismatch(src));
        }
    }
}
