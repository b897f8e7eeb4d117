package org.slmlab.exercises;

import java.util.Map;

/**
 * Exercise 3 (notebook 02-gguf-anatomy): read the header and the metadata of a GGUF file from its bytes.
 *
 * <p>Everything is little-endian. The file starts with the magic {@code "GGUF"} (4 bytes), a {@code u32} version,
 * a {@code u64} tensor count and a {@code u64} metadata count. Then each metadata entry: a key (a string: {@code u64}
 * length, then that many UTF-8 bytes), a {@code u32} value type, and the value. Value types: 0 u8, 1 i8, 2 u16,
 * 3 i16, 4 u32, 5 i32, 6 f32, 7 bool (one byte), 8 string, 9 array ({@code u32} element type, {@code u64} count,
 * then the elements), 10 u64, 11 i64, 12 f64. {@link java.nio.ByteBuffer} with
 * {@link java.nio.ByteOrder#LITTLE_ENDIAN} does most of the work.
 */
public final class GgufHeader {

    private GgufHeader() {
    }

    /** The version number; an {@link IllegalArgumentException} if the file does not start with "GGUF". */
    public static int version(byte[] file) {
        throw new UnsupportedOperationException("TODO exercise 3: magic and version");
    }

    /** The number of tensors the header announces. */
    public static long tensorCount(byte[] file) {
        throw new UnsupportedOperationException("TODO exercise 3: tensor count");
    }

    /**
     * Every metadata entry, in file order (use a {@link java.util.LinkedHashMap}). Values as Java objects: every
     * integer type as a {@link Long} (unsigned types zero-extended), f32 and f64 as a {@link Double}, bool as a
     * {@link Boolean} (any non-zero byte is true), string as a {@link String}, array as a {@link java.util.List} of
     * such objects.
     */
    public static Map<String, Object> metadata(byte[] file) {
        throw new UnsupportedOperationException("TODO exercise 3: metadata");
    }
}
