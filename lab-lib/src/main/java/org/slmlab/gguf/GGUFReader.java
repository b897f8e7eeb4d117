package org.slmlab.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a GGUF file from its first byte to the start of the tensor data, in the order the format lays it out:
 * <ol>
 *   <li>header: magic {@code "GGUF"}, {@code u32 version}, {@code u64 tensor_count}, {@code u64 kv_count};</li>
 *   <li>{@code kv_count} metadata pairs: key (string), {@code u32} value type, value;</li>
 *   <li>{@code tensor_count} tensor infos: name (string), {@code u32 n_dims}, {@code u64 ne[n_dims]},
 *       {@code u32} ggml type, {@code u64} offset;</li>
 *   <li>zero padding up to a multiple of the alignment, then the tensor data, each tensor padded likewise.</li>
 * </ol>
 * A string is a {@code u64} byte count followed by that many UTF-8 bytes. Everything is little-endian.
 *
 * <p>Every read first checks that the bytes it needs are there, and every count is checked against the bytes
 * that remain before anything is built from it: a corrupt count fails with a message, never with an
 * OutOfMemoryError. The checks match llama.cpp's {@code gguf_init_from_file}, plus one it lacks (element
 * counts that overflow 64 bits).
 */
final class GGUFReader {

    /** "GGUF" read as a little-endian u32. */
    private static final int MAGIC = 0x46554747;
    /** GGML_MAX_DIMS. */
    private static final int MAX_DIMS = 4;
    /** GGML_MAX_NAME is 64 bytes including the terminating NUL. */
    private static final int MAX_TENSOR_NAME_BYTES = 63;
    /** llama.cpp refuses longer strings. */
    private static final long MAX_STRING_BYTES = 1L << 30;
    /** Used when the file has no {@code general.alignment}. */
    static final long DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";

    /** Smallest possible metadata pair: empty key (8) + type (4) + a one-byte value. */
    private static final long MIN_KV_BYTES = 8 + 4 + 1;
    /** Smallest possible tensor info: empty name (8) + n_dims (4) + type (4) + offset (8). */
    private static final long MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;

    /** What the walk found. */
    record Layout(int version, long alignment, long dataOffset, Map<String, GGUFValue> metadata,
                  List<TensorInfo> tensors) {
    }

    private final Path file;
    private final MemorySegment bytes;
    private long pos;

    private GGUFReader(Path file, MemorySegment bytes) {
        this.file = file;
        this.bytes = bytes;
    }

    static Layout read(Path file, MemorySegment bytes) throws GGUFFormatException {
        return new GGUFReader(file, bytes).readLayout();
    }

    private Layout readLayout() throws GGUFFormatException {
        // 1. header
        readMagic();
        int version = readVersion();
        long tensorCount = readCount("tensor_count", MIN_TENSOR_INFO_BYTES, "tensor info");
        long kvCount = readCount("kv_count", MIN_KV_BYTES, "key-value pair");

        // 2. metadata
        Map<String, GGUFValue> metadata = new LinkedHashMap<>();
        long alignment = DEFAULT_ALIGNMENT;
        for (long i = 0; i < kvCount; i++) {
            long at = pos;
            String key = readString("key of key-value pair " + i);
            if (key.isEmpty()) {
                throw fail(at, "key of key-value pair " + i, "expected a non-empty key");
            }
            if (metadata.containsKey(key)) {
                throw fail(at, "key of key-value pair " + i, "key '" + key + "' appears twice");
            }
            GGUFValue value = readValue(key);
            if (key.equals(ALIGNMENT_KEY)) {
                alignment = checkAlignment(value, at);
            }
            metadata.put(key, value);
        }

        // 3. tensor infos; tensors are stored back to back in this order, each padded to the alignment
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, Long> indexByName = new HashMap<>();
        long expectedOffset = 0;
        // type ids are read in the file's dialect: bitnet.cpp files give 36-39 meanings of their own
        String architecture = metadata.get("general.architecture") instanceof GGUFValue.StringValue a ? a.value() : null;
        for (long i = 0; i < tensorCount; i++) {
            TensorInfo t = readTensorInfo(i, expectedOffset, architecture);
            Long previous = indexByName.putIfAbsent(t.name(), i);
            if (previous != null) {
                throw fail(pos, "tensor " + i + " name", "'" + t.name() + "' is also the name of tensor " + previous);
            }
            tensors.add(t);
            expectedOffset = padded(t.offset() + t.byteSize(), alignment, "tensor '" + t.name() + "' end");
        }

        // 4. the data section starts at the next multiple of the alignment
        long dataOffset = padded(pos, alignment, "data section start");
        if (tensorCount > 0) {
            long dataEnd = dataOffset + expectedOffset;
            if (dataEnd < 0 || dataEnd > bytes.byteSize()) {
                throw fail(dataOffset, "tensor data", "expected " + expectedOffset + " bytes of tensor data (with "
                        + "padding to " + alignment + ") from byte " + dataOffset + ", but the file ends at byte "
                        + bytes.byteSize());
            }
        }
        return new Layout(version, alignment, dataOffset, metadata, tensors);
    }

    private void readMagic() throws GGUFFormatException {
        if (bytes.byteSize() < 4) {
            throw fail(0, "magic", "expected the 4 bytes 'GGUF', but the file has only " + bytes.byteSize() + " bytes");
        }
        int magic = bytes.get(LittleEndian.INT, 0);
        if (magic != MAGIC) {
            byte[] found = bytes.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE);
            throw fail(0, "magic", "expected 'GGUF', found '" + printable(found) + "': not a GGUF file");
        }
        pos = 4;
    }

    private int readVersion() throws GGUFFormatException {
        long at = pos;
        long version = readU32("version");
        if (version == 2 || version == 3) {
            return (int) version;
        }
        String problem;
        if (version == 1) {
            problem = "GGUF v1 (32-bit counts) is no longer supported: convert the file with a current llama.cpp";
        } else if (version != 0 && (version & 0xFFFF) == 0) {
            problem = "version " + version + " looks like a big-endian file (only little-endian GGUF is supported)";
        } else if (version > 3) {
            problem = "version " + version + " is newer than 3, the newest this reader knows";
        } else {
            problem = "version " + version + " is not a GGUF version";
        }
        throw fail(at, "version", "expected 2 or 3: " + problem);
    }

    /** A u64 count of items that each take at least {@code minBytes}: checked against the bytes left. */
    private long readCount(String field, long minBytes, String item) throws GGUFFormatException {
        long at = pos;
        long count = readU64(field);
        if (count < 0 || count > remaining() / minBytes) {
            throw fail(at, field, "expected at most " + remaining() / minBytes + " (each " + item + " takes at least "
                    + minBytes + " bytes and " + remaining() + " bytes remain), found " + Long.toUnsignedString(count));
        }
        return count;
    }

    private GGUFValue readValue(String key) throws GGUFFormatException {
        GGUFValueType type = readValueType("value type of '" + key + "'");
        if (type == GGUFValueType.ARRAY) {
            return readArray(key);
        }
        return readScalar(type, "value of '" + key + "'");
    }

    private GGUFValue readScalar(GGUFValueType type, String field) throws GGUFFormatException {
        return switch (type) {
            case STRING -> new GGUFValue.StringValue(readString(field));
            case BOOL -> new GGUFValue.BoolValue(bytes.get(ValueLayout.JAVA_BYTE, take(1, field)));
            case FLOAT32, FLOAT64 -> new GGUFValue.FloatValue(type, LittleEndian.floating(bytes, take(type.size(), field), type));
            default -> new GGUFValue.IntValue(type, LittleEndian.integer(bytes, take(type.size(), field), type));
        };
    }

    private GGUFValueType readValueType(String field) throws GGUFFormatException {
        long at = pos;
        long id = readU32(field);
        GGUFValueType type = GGUFValueType.fromId(id);
        if (type == null) {
            throw fail(at, field, "expected a GGUF value type 0..12, found " + id);
        }
        return type;
    }

    /** {@code u32 element_type}, {@code u64 count}, then the elements; kept as a slice, not decoded. */
    private GGUFArray readArray(String key) throws GGUFFormatException {
        long at = pos;
        GGUFValueType elementType = readValueType("element type of array '" + key + "'");
        if (elementType == GGUFValueType.ARRAY) {
            throw fail(at, "element type of array '" + key + "'", "expected a scalar type: arrays of arrays are not supported");
        }
        long countAt = pos;
        long count = readU64("length of array '" + key + "'");
        long minBytes = elementType == GGUFValueType.STRING ? 8 : elementType.size();
        if (count < 0 || count > remaining() / minBytes) {
            throw fail(countAt, "length of array '" + key + "'", "expected at most " + remaining() / minBytes + " "
                    + elementType + " elements in the " + remaining() + " bytes that remain, found "
                    + Long.toUnsignedString(count));
        }
        long start = pos;
        if (elementType == GGUFValueType.STRING) {
            for (long i = 0; i < count; i++) {
                if (!trySkipString()) {
                    // Only now build the field's name (a vocabulary has 100 000+ elements): this throws.
                    skipString("element " + i + " of array '" + key + "'");
                }
            }
        } else {
            pos += count * minBytes;
        }
        return new GGUFArray(elementType, count, bytes.asSlice(start, pos - start));
    }

    private TensorInfo readTensorInfo(long index, long expectedOffset, String architecture)
            throws GGUFFormatException {
        long nameAt = pos;
        String name = readString("tensor " + index + " name");
        long nameBytes = pos - nameAt - 8;
        if (nameBytes > MAX_TENSOR_NAME_BYTES) {
            throw fail(nameAt, "tensor " + index + " name", "expected at most " + MAX_TENSOR_NAME_BYTES
                    + " bytes (ggml's GGML_MAX_NAME), found " + nameBytes);
        }
        String what = "tensor '" + name + "'";

        long dimsAt = pos;
        long nDims = readU32(what + " n_dims");
        if (nDims > MAX_DIMS) {
            throw fail(dimsAt, what + " n_dims", "expected at most " + MAX_DIMS + " dimensions, found " + nDims);
        }
        long[] shape = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long at = pos;
            shape[d] = readU64(what + " ne[" + d + "]");
            if (shape[d] < 0) {
                throw fail(at, what + " ne[" + d + "]", "expected a size below 2^63, found " + Long.toUnsignedString(shape[d]));
            }
            try {
                elements = Math.multiplyExact(elements, shape[d]);
            } catch (ArithmeticException e) {
                // llama.cpp accepts a product that wraps around to exactly 0; we do not.
                throw fail(dimsAt, what + " shape", "the element count of shape " + Arrays.toString(shape)
                        + " overflows a 64-bit integer");
            }
        }

        long typeAt = pos;
        long typeId = readU32(what + " type");
        GgmlType type;
        try {
            type = GgmlType.fromId(typeId, architecture);
        } catch (IllegalArgumentException e) {
            throw fail(typeAt, what + " type", "expected a ggml type id: " + e.getMessage());
        }
        long rowLength = nDims == 0 ? 1 : shape[0];
        if (rowLength % type.blockSize() != 0) {
            throw fail(typeAt, what + " type", "rows of " + type + " must be a whole number of blocks of "
                    + type.blockSize() + " elements, but ne[0] = " + rowLength);
        }
        long byteSize;
        try {
            byteSize = type.tensorBytes(elements);
        } catch (ArithmeticException e) {
            throw fail(dimsAt, what + " shape", elements + " elements of " + type + " take more than 2^63 bytes");
        }

        long offsetAt = pos;
        long offset = readU64(what + " offset");
        if (offset != expectedOffset) {
            throw fail(offsetAt, what + " offset", "expected " + expectedOffset + " (tensors are stored back to back "
                    + "in the order of their infos, each padded to the alignment), found " + Long.toUnsignedString(offset));
        }
        return new TensorInfo(name, type, shape, offset, byteSize);
    }

    /** {@code general.alignment} must be a u32 and a power of two. */
    private long checkAlignment(GGUFValue v, long at) throws GGUFFormatException {
        if (!(v instanceof GGUFValue.IntValue i) || i.type() != GGUFValueType.UINT32) {
            throw fail(at, ALIGNMENT_KEY, "expected a UINT32, found " + describe(v));
        }
        if (Long.bitCount(i.value()) != 1) {
            throw fail(at, ALIGNMENT_KEY, "expected a power of two, found " + i.value());
        }
        return i.value();
    }

    static String describe(GGUFValue v) {
        return v instanceof GGUFArray a ? "ARRAY of " + a.elementType() : v.type().name();
    }

    // ---- primitive reads: each checks the bytes are there, then advances ----

    private long remaining() {
        return bytes.byteSize() - pos;
    }

    /** Reserves {@code n} bytes for {@code field} and returns where they start. */
    private long take(long n, String field) throws GGUFFormatException {
        if (n > remaining()) {
            throw fail(pos, field, "expected " + n + " bytes, but the file ends " + remaining() + " bytes later");
        }
        long at = pos;
        pos += n;
        return at;
    }

    private long readU32(String field) throws GGUFFormatException {
        return Integer.toUnsignedLong(bytes.get(LittleEndian.INT, take(4, field)));
    }

    /** A u64 as a Java long: values of 2^63 and more come out negative, and callers reject them. */
    private long readU64(String field) throws GGUFFormatException {
        return bytes.get(LittleEndian.LONG, take(8, field));
    }

    /** Checks a string's length and returns where its bytes start, leaving {@link #pos} after them. */
    private long skipString(String field) throws GGUFFormatException {
        long at = pos;
        long length = readU64("length of " + field);
        if (length < 0 || length > remaining()) {
            throw fail(at, field, "expected a string length of at most " + remaining() + " (the bytes that remain), found "
                    + Long.toUnsignedString(length));
        }
        if (length > MAX_STRING_BYTES) {
            throw fail(at, field, "string of " + length + " bytes is longer than the " + MAX_STRING_BYTES + " allowed");
        }
        return take(length, field);
    }

    /** Skips a valid string and returns true, or returns false leaving {@link #pos} where it was. */
    private boolean trySkipString() {
        if (remaining() < 8) {
            return false;
        }
        long length = bytes.get(LittleEndian.LONG, pos);
        if (length < 0 || length > remaining() - 8 || length > MAX_STRING_BYTES) {
            return false;
        }
        pos += 8 + length;
        return true;
    }

    private String readString(String field) throws GGUFFormatException {
        long start = skipString(field);
        byte[] utf8 = bytes.asSlice(start, pos - start).toArray(ValueLayout.JAVA_BYTE);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private long padded(long offset, long alignment, String field) throws GGUFFormatException {
        long result = offset + (alignment - offset % alignment) % alignment;
        if (result < 0) {
            throw fail(pos, field, "offset " + offset + " overflows when padded to " + alignment);
        }
        return result;
    }

    private GGUFFormatException fail(long offset, String field, String problem) {
        return new GGUFFormatException(file, offset, field, problem);
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return sb.toString();
    }
}
