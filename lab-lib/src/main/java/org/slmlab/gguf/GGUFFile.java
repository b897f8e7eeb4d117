package org.slmlab.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open GGUF file: its metadata, its tensor infos, and its tensor data as read-only slices of a memory map.
 *
 * <pre>{@code
 * try (GGUFFile f = GGUFFile.open(Path.of("model.gguf"))) {
 *     int layers = f.getInt("llama.block_count");
 *     MemorySegment wq = f.tensorData("blk.0.attn_q.weight");   // no copy: the bytes stay in the file
 * }
 * }</pre>
 *
 * <p>Opening reads only the header, metadata and tensor infos ({@link GGUFReader} checks them all, including
 * that every tensor's bytes lie inside the file); tensor data is paged in by the OS when it is first touched.
 * So opening a multi-gigabyte model takes milliseconds and little heap. Everything handed out — tensor data,
 * {@link GGUFArray} values — is valid until {@link #close()}; using it later throws {@link IllegalStateException}.
 *
 * <p>The typed getters ({@link #getInt(String)} ...) throw {@link GGUFMetadataException} when a key is missing
 * or holds a type that does not convert; the variants with a default return it only when the key is missing.
 */
public final class GGUFFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final GGUFReader.Layout layout;
    private final Map<String, GGUFValue> metadata;
    private final Map<String, TensorInfo> tensorsByName;

    private GGUFFile(Path path, Arena arena, MemorySegment file, GGUFReader.Layout layout) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.layout = layout;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(layout.metadata()));
        Map<String, TensorInfo> byName = new HashMap<>();
        for (TensorInfo t : layout.tensors()) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = byName;
    }

    /**
     * Maps the file read-only and checks its layout.
     *
     * @throws GGUFFormatException when the bytes are not a valid GGUF v2/v3 file (message: file, offset, field)
     * @throws IOException         when the file cannot be read
     */
    public static GGUFFile open(Path path) throws IOException {
        // A shared arena: the engine reads tensors from several threads.
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment file = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return of(path, file, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Reads GGUF bytes that are already in memory; {@code arena} (which owns them, or not) is closed by {@link #close()}. */
    static GGUFFile of(Path name, MemorySegment bytes, Arena arena) throws GGUFFormatException {
        return new GGUFFile(name, arena, bytes, GGUFReader.read(name, bytes));
    }

    public Path path() {
        return path;
    }

    /** 2 or 3. */
    public int version() {
        return layout.version();
    }

    /** {@code general.alignment}, or 32 when the file does not set it. */
    public long alignment() {
        return layout.alignment();
    }

    /** Where the tensor data section starts, from the beginning of the file. */
    public long dataOffset() {
        return layout.dataOffset();
    }

    /** The whole file, read-only. */
    public MemorySegment fileSegment() {
        return file;
    }

    public long fileSize() {
        return file.byteSize();
    }

    /** Every key-value pair, in file order. */
    public Map<String, GGUFValue> metadata() {
        return metadata;
    }

    /** Tensor infos in file order (which is also the order of their data). */
    public List<TensorInfo> tensors() {
        return layout.tensors();
    }

    public boolean hasTensor(String name) {
        return tensorsByName.containsKey(name);
    }

    /** The tensor info of this name; a missing tensor throws with the file name. */
    public TensorInfo tensor(String name) {
        TensorInfo t = tensorsByName.get(name);
        if (t == null) {
            throw new GGUFMetadataException(path + ": no tensor named '" + name + "' (the file has "
                    + tensorsByName.size() + " tensors)");
        }
        return t;
    }

    public Optional<TensorInfo> findTensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** The tensor's bytes: a read-only slice of the file mapping, never a copy. */
    public MemorySegment tensorData(TensorInfo t) {
        return file.asSlice(dataOffset() + t.offset(), t.byteSize()).asReadOnly();
    }

    public MemorySegment tensorData(String name) {
        return tensorData(tensor(name));
    }

    /** Unmaps the file: every segment and array obtained from it becomes unusable. */
    @Override
    public void close() {
        arena.close();
    }

    // ---- metadata getters ----

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public Optional<GGUFValue> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** The value of a key that must be present. */
    public GGUFValue value(String key) {
        GGUFValue v = metadata.get(key);
        if (v == null) {
            throw new GGUFMetadataException(path + ": metadata key '" + key + "' is missing");
        }
        return v;
    }

    public String getString(String key) {
        return typed(key, GGUFValue.StringValue.class, "STRING").value();
    }

    public String getString(String key, String defaultValue) {
        return has(key) ? getString(key) : defaultValue;
    }

    /** Any integer type whose value fits an int. */
    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) {
            throw new GGUFMetadataException(path + ": metadata key '" + key + "' is " + value(key).type() + " "
                    + value(key) + ", which does not fit an int");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) {
        return has(key) ? getInt(key) : defaultValue;
    }

    /** Any integer type whose value fits a long (a UINT64 of 2^63 or more does not). */
    public long getLong(String key) {
        GGUFValue.IntValue i = typed(key, GGUFValue.IntValue.class, "an integer");
        if (i.exceedsLong()) {
            throw new GGUFMetadataException(path + ": metadata key '" + key + "' is UINT64 " + i + ", which does not fit a long");
        }
        return i.value();
    }

    public long getLong(String key, long defaultValue) {
        return has(key) ? getLong(key) : defaultValue;
    }

    /** FLOAT32 or FLOAT64 (rounded to float). */
    public float getFloat(String key) {
        return (float) getDouble(key);
    }

    public float getFloat(String key, float defaultValue) {
        return has(key) ? getFloat(key) : defaultValue;
    }

    /** FLOAT32 or FLOAT64. */
    public double getDouble(String key) {
        return typed(key, GGUFValue.FloatValue.class, "FLOAT32 or FLOAT64").value();
    }

    public double getDouble(String key, double defaultValue) {
        return has(key) ? getDouble(key) : defaultValue;
    }

    public boolean getBoolean(String key) {
        return typed(key, GGUFValue.BoolValue.class, "BOOL").value();
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return has(key) ? getBoolean(key) : defaultValue;
    }

    public GGUFArray getArray(String key) {
        return typed(key, GGUFArray.class, "ARRAY");
    }

    public String[] getStringArray(String key) {
        GGUFArray a = getArray(key);
        if (a.elementType() != GGUFValueType.STRING) {
            throw mismatch(key, "ARRAY of STRING");
        }
        return a.toStringArray();
    }

    /** An array of any integer type whose elements all fit an int. */
    public int[] getIntArray(String key) {
        GGUFArray a = getArray(key);
        if (!a.elementType().isInteger()) {
            throw mismatch(key, "ARRAY of an integer type");
        }
        try {
            return a.toIntArray();
        } catch (ArithmeticException e) {
            throw new GGUFMetadataException(path + ": metadata key '" + key + "': " + e.getMessage());
        }
    }

    /** An array of FLOAT32 or FLOAT64 (rounded to float). */
    public float[] getFloatArray(String key) {
        GGUFArray a = getArray(key);
        if (!a.elementType().isFloat()) {
            throw mismatch(key, "ARRAY of FLOAT32 or FLOAT64");
        }
        return a.toFloatArray();
    }

    /** The value of {@code key} as the given case of {@link GGUFValue}, or an error naming both types. */
    private <T extends GGUFValue> T typed(String key, Class<T> kind, String expected) {
        GGUFValue v = value(key);
        if (kind.isInstance(v)) {
            return kind.cast(v);
        }
        throw mismatch(key, expected);
    }

    private GGUFMetadataException mismatch(String key, String expected) {
        return new GGUFMetadataException(path + ": metadata key '" + key + "' is "
                + GGUFReader.describe(value(key)) + ", expected " + expected);
    }

    @Override
    public String toString() {
        return "GGUFFile[" + path + ", v" + version() + ", " + metadata.size() + " keys, " + tensors().size() + " tensors]";
    }
}
