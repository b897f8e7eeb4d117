package org.slmlab.gguf;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file: metadata in the order it was set, then tensor infos and data in the order tensors
 * were added, each tensor padded to {@code general.alignment} (32 unless that key says otherwise).
 *
 * <pre>{@code
 * new GGUFWriter()
 *     .set("general.architecture", GGUFValue.of("llama"))
 *     .addTensor("norm.weight", new float[] {1, 1, 1, 1}, 4)
 *     .addTensor("big.weight", GgmlType.Q4_0, new long[] {4096, 14336}, out -> fill(out))
 *     .write(Path.of("model.gguf"));
 * }</pre>
 *
 * <p>The output file is memory-mapped and each tensor's source fills its own slice of it, so writing a
 * 10 GB file needs no more heap than the metadata. Tensor data can come from a {@link MemorySegment}
 * (e.g. another file's mapping), a Java array, or a {@link TensorSource} that generates it in place.
 * The file is written beside the target and moved over it at the end, so a reader of the old file is
 * never disturbed and a failed write leaves no half-written file.
 */
public final class GGUFWriter {

    /** Fills {@code destination}, which is exactly the tensor's byte size, with the tensor's bytes. */
    @FunctionalInterface
    public interface TensorSource {
        void fill(MemorySegment destination) throws IOException;
    }

    private record PendingTensor(TensorInfo info, TensorSource source) {
    }

    private static final int VERSION = 3;
    private static final int MAX_TENSOR_NAME_BYTES = 63;

    private final Map<String, GGUFValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Map<String, TensorInfo> tensorsByName = new LinkedHashMap<>();

    /** Sets a key; a key set again keeps its first position. */
    public GGUFWriter set(String key, GGUFValue value) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("metadata keys must not be empty");
        }
        if (key.equals(GGUFReader.ALIGNMENT_KEY) && !(value instanceof GGUFValue.IntValue i
                && i.type() == GGUFValueType.UINT32 && Long.bitCount(i.value()) == 1)) {
            throw new IllegalArgumentException(key + " must be a UINT32 power of two, not " + value);
        }
        if (!tensors.isEmpty() && key.equals(GGUFReader.ALIGNMENT_KEY)) {
            throw new IllegalStateException(key + " must be set before the first tensor is added");
        }
        metadata.put(key, value);
        return this;
    }

    /** Sets every key of {@code values}, in its iteration order. */
    public GGUFWriter setAll(Map<String, GGUFValue> values) {
        values.forEach(this::set);
        return this;
    }

    public GGUFWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    public Map<String, GGUFValue> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public long alignment() {
        return metadata.get(GGUFReader.ALIGNMENT_KEY) instanceof GGUFValue.IntValue i ? i.value()
                : GGUFReader.DEFAULT_ALIGNMENT;
    }

    /**
     * Adds a tensor whose bytes {@code source} will produce when the file is written.
     *
     * @param shape ggml order: {@code shape[0]} is the row length and must be a whole number of blocks
     */
    public GGUFWriter addTensor(String name, GgmlType type, long[] shape, TensorSource source) {
        TensorInfo info = nextTensor(name, type, shape);
        tensors.add(new PendingTensor(info, source));
        tensorsByName.put(name, info);
        return this;
    }

    /** Adds a tensor whose bytes are {@code data} (copied when the file is written). */
    public GGUFWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        long expected = nextTensor(name, type, shape).byteSize();
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' of " + type + " " + Arrays.toString(shape)
                    + " takes " + expected + " bytes, got " + data.byteSize());
        }
        return addTensor(name, type, shape, out -> MemorySegment.copy(data, 0, out, 0, out.byteSize()));
    }

    /** Adds an F32 tensor. */
    public GGUFWriter addTensor(String name, float[] data, long... shape) {
        MemorySegment s = MemorySegment.ofArray(new byte[Math.multiplyExact(data.length, 4)]);
        MemorySegment.copy(data, 0, s, LittleEndian.FLOAT, 0, data.length);
        return addTensor(name, GgmlType.F32, shape, s);
    }

    /** Adds a tensor of any type from its raw bytes. */
    public GGUFWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        return addTensor(name, type, shape, MemorySegment.ofArray(data));
    }

    /** Checks a new tensor and places it after the last one. */
    private TensorInfo nextTensor(String name, GgmlType type, long[] shape) {
        if (tensorsByName.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' is already added");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is longer than " + MAX_TENSOR_NAME_BYTES + " bytes");
        }
        if (type.isRemoved()) {
            throw new IllegalArgumentException("ggml type " + type + " was removed from ggml");
        }
        if (shape.length > 4 || Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " must have at most 4 non-negative dimensions");
        }
        long rowLength = shape.length == 0 ? 1 : shape[0];
        if (rowLength % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': rows of " + rowLength + " elements are not a whole "
                    + "number of " + type + " blocks of " + type.blockSize());
        }
        long offset = 0;
        if (!tensors.isEmpty()) {
            TensorInfo last = tensors.getLast().info();
            offset = pad(last.offset() + last.byteSize(), alignment());
        }
        long elements = new TensorInfo(name, type, shape, offset, 0).elementCount();
        return new TensorInfo(name, type, shape, offset, type.tensorBytes(elements));
    }

    /** The infos of the tensors added so far, with the offsets they will have. */
    public List<TensorInfo> tensors() {
        return List.copyOf(tensorsByName.values());
    }

    /** A writer holding every key and tensor of {@code file}: {@code write} then reproduces it. */
    public static GGUFWriter copyOf(GGUFFile file) {
        GGUFWriter w = new GGUFWriter().setAll(file.metadata());
        for (TensorInfo t : file.tensors()) {
            w.addTensor(t.name(), t.type(), t.shape(), file.tensorData(t));
        }
        return w;
    }

    // ---- writing ----

    /** Writes the file (to a temporary file beside {@code target}, then moved over it). */
    public void write(Path target) throws IOException {
        long headerBytes = 4 + 4 + 8 + 8;
        for (Map.Entry<String, GGUFValue> kv : metadata.entrySet()) {
            headerBytes += stringBytes(kv.getKey()) + 4 + valueBytes(kv.getValue());
        }
        for (PendingTensor p : tensors) {
            headerBytes += stringBytes(p.info().name()) + 4 + 8L * p.info().dims() + 4 + 8;
        }
        // Like llama.cpp: a file without tensors ends right after the infos, with no padding.
        long dataOffset = tensors.isEmpty() ? headerBytes : pad(headerBytes, alignment());
        long total = dataOffset;
        if (!tensors.isEmpty()) {
            TensorInfo last = tensors.getLast().info();
            total += pad(last.offset() + last.byteSize(), alignment());
        }

        Path dir = target.toAbsolutePath().getParent();
        // Writing through a mapping to a full disk would fault in the middle of a copy: check first.
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < total) {
            throw new IOException("writing " + target + " needs " + total + " bytes, but only " + free + " are free");
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            // Shared, so that a TensorSource may fill its slice from several threads (the quantizer does).
            try (Arena arena = Arena.ofShared();
                 FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                // A fresh file reads as zeros, so the padding needs no writing.
                MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
                long end = writeHeader(out);
                if (end != headerBytes) {
                    throw new IllegalStateException("header took " + end + " bytes, computed " + headerBytes);
                }
                for (PendingTensor p : tensors) {
                    if (Thread.currentThread().isInterrupted()) { // the temporary file is deleted below
                        throw new InterruptedIOException("writing " + target + " was interrupted before tensor "
                                + p.info().name());
                    }
                    p.source().fill(out.asSlice(dataOffset + p.info().offset(), p.info().byteSize()));
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Header, key-value pairs and tensor infos; returns where they end. */
    private long writeHeader(MemorySegment out) {
        Cursor c = new Cursor(out);
        c.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        c.u32(VERSION);
        c.u64(tensors.size());
        c.u64(metadata.size());
        metadata.forEach((key, value) -> {
            c.string(key);
            c.u32(value.type().id());
            c.value(value);
        });
        for (PendingTensor p : tensors) {
            TensorInfo t = p.info();
            c.string(t.name());
            c.u32(t.dims());
            for (long d : t.shape()) {
                c.u64(d);
            }
            c.u32(t.type().id());
            c.u64(t.offset());
        }
        return c.pos;
    }

    /** Writes little-endian fields one after the other. */
    private static final class Cursor {
        private final MemorySegment out;
        private long pos;

        Cursor(MemorySegment out) {
            this.out = out;
        }

        void u32(long v) {
            out.set(LittleEndian.INT, pos, (int) v);
            pos += 4;
        }

        void u64(long v) {
            out.set(LittleEndian.LONG, pos, v);
            pos += 8;
        }

        void bytes(byte[] b) {
            MemorySegment.copy(b, 0, out, ValueLayout.JAVA_BYTE, pos, b.length);
            pos += b.length;
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void value(GGUFValue v) {
            switch (v) {
                case GGUFValue.IntValue i -> {
                    LittleEndian.putInteger(out, pos, i.type(), i.value());
                    pos += i.type().size();
                }
                case GGUFValue.FloatValue f when f.type() == GGUFValueType.FLOAT32 -> {
                    out.set(LittleEndian.FLOAT, pos, (float) f.value());
                    pos += 4;
                }
                case GGUFValue.FloatValue f -> {
                    out.set(LittleEndian.DOUBLE, pos, f.value());
                    pos += 8;
                }
                case GGUFValue.BoolValue b -> {
                    out.set(ValueLayout.JAVA_BYTE, pos, b.raw());
                    pos += 1;
                }
                case GGUFValue.StringValue s -> string(s.value());
                case GGUFArray a -> {
                    u32(a.elementType().id());
                    u64(a.length());
                    MemorySegment.copy(a.data(), 0, out, pos, a.data().byteSize());
                    pos += a.data().byteSize();
                }
            }
        }
    }

    private static long stringBytes(String s) {
        return 8 + s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long valueBytes(GGUFValue v) {
        return switch (v) {
            case GGUFValue.StringValue s -> stringBytes(s.value());
            case GGUFArray a -> 4 + 8 + a.data().byteSize();
            default -> v.type().size();
        };
    }

    private static long pad(long offset, long alignment) {
        return Math.addExact(offset, (alignment - offset % alignment) % alignment);
    }
}
