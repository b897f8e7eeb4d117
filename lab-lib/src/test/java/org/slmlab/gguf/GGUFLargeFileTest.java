package org.slmlab.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets and sizes beyond 2 GiB: a 3 GiB tensor between two small ones. Its generator touches only its last
 * byte, so the file is sparse and the test writes a few pages, not 3 GiB.
 */
class GGUFLargeFileTest {

    private static final long BIG = 3L << 30;

    @TempDir
    Path tmp;

    @Test
    void tensorsPast2GiBAreReadAndWritten() throws Exception {
        // The writer checks that the whole (logical) size fits on the disk before it starts.
        assumeTrue(Files.getFileStore(tmp).getUsableSpace() > 2 * BIG, "needs " + 2 * BIG + " bytes free in " + tmp);
        Path file = tmp.resolve("large.gguf");
        new GGUFWriter()
                .set("general.architecture", GGUFValue.of("test"))
                .addTensor("before", new float[] {1, 2}, 2)
                .addTensor("big", GgmlType.I8, new long[] {BIG}, out -> out.set(ValueLayout.JAVA_BYTE, out.byteSize() - 1, (byte) 7))
                .addTensor("after", new float[] {3, 4, 5}, 3)
                .write(file);
        assertTrue(Files.size(file) > BIG);
        try (GGUFFile f = GGUFFile.open(file)) {
            TensorInfo big = f.tensor("big");
            assertEquals(BIG, big.byteSize());
            assertEquals(BIG, big.elementCount());
            MemorySegment data = f.tensorData(big);
            assertEquals(7, data.get(ValueLayout.JAVA_BYTE, BIG - 1));
            assertEquals(0, data.get(ValueLayout.JAVA_BYTE, BIG / 2));
            TensorInfo after = f.tensor("after");
            assertTrue(f.dataOffset() + after.offset() > Integer.MAX_VALUE);
            assertArrayEquals(new float[] {3, 4, 5}, f.tensorData(after).toArray(LittleEndian.FLOAT));
        }
    }
}
