package org.slmlab.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * An ARRAY value: {@link #length()} elements of one scalar {@link #elementType()}.
 *
 * <p>The elements stay in their file encoding ({@link #data()}, a slice of the memory-mapped file, or of a
 * heap buffer for arrays built in code): opening a file with a 150 000-token vocabulary costs no objects per
 * token. Elements are decoded when asked for, one ({@link #getString(long)}) or all ({@link #toStringArray()}).
 * An array read from a {@link GGUFFile} can be used only while that file is open.
 */
public final class GGUFArray implements GGUFValue {

    private final GGUFValueType elementType;
    private final long length;
    private final MemorySegment data;
    /** Start of each string in {@link #data}, built on the first indexed access to a string array. */
    private volatile long[] stringStarts;

    /**
     * {@code data} must hold exactly {@code length} elements in GGUF encoding (strings: u64 length + UTF-8 bytes).
     * The reader checks that before calling this.
     */
    GGUFArray(GGUFValueType elementType, long length, MemorySegment data) {
        if (elementType == GGUFValueType.ARRAY) {
            throw new IllegalArgumentException("arrays of arrays are not supported");
        }
        this.elementType = elementType;
        this.length = length;
        this.data = data.asReadOnly();
    }

    @Override
    public GGUFValueType type() {
        return GGUFValueType.ARRAY;
    }

    public GGUFValueType elementType() {
        return elementType;
    }

    public long length() {
        return length;
    }

    /** The elements exactly as encoded in the file (read-only). */
    public MemorySegment data() {
        return data;
    }

    /** Integer element {@code i}, zero-extended for unsigned types. */
    public long getLong(long i) {
        require(elementType.isInteger(), "an integer");
        return LittleEndian.integer(data, checkIndex(i) * elementType.size(), elementType);
    }

    /** Numeric element {@code i} as a double (integers converted). */
    public double getDouble(long i) {
        if (elementType.isInteger()) {
            return getLong(i);
        }
        require(elementType.isFloat(), "a number");
        return LittleEndian.floating(data, checkIndex(i) * elementType.size(), elementType);
    }

    public boolean getBoolean(long i) {
        require(elementType == GGUFValueType.BOOL, "BOOL");
        return data.get(ValueLayout.JAVA_BYTE, checkIndex(i)) != 0;
    }

    public String getString(long i) {
        require(elementType == GGUFValueType.STRING, "STRING");
        return decodeStringAt(stringStarts()[(int) checkIndex(i)]);
    }

    /** Element {@code i} as a scalar value of {@link #elementType()}. */
    public GGUFValue get(long i) {
        return switch (elementType) {
            case STRING -> new StringValue(getString(i));
            case BOOL -> new BoolValue(data.get(ValueLayout.JAVA_BYTE, checkIndex(i)));
            case FLOAT32, FLOAT64 -> new FloatValue(elementType, getDouble(i));
            default -> new IntValue(elementType, getLong(i));
        };
    }

    public long[] toLongArray() {
        require(elementType.isInteger(), "an integer");
        long[] out = new long[count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = LittleEndian.integer(data, (long) i * elementType.size(), elementType);
        }
        return out;
    }

    /** All elements as ints; throws if one does not fit (a UINT32 above 2^31-1, an INT64 ...). */
    public int[] toIntArray() {
        require(elementType.isInteger(), "an integer");
        int[] out = new int[count()];
        if (elementType == GGUFValueType.INT32) {
            MemorySegment.copy(data, LittleEndian.INT, 0, out, 0, out.length);
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            long v = LittleEndian.integer(data, (long) i * elementType.size(), elementType);
            if (v != (int) v || (elementType == GGUFValueType.UINT64 && v < 0)) {
                throw new ArithmeticException("element " + i + " = " + get(i) + " does not fit an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** All elements as floats (FLOAT64 rounded to the nearest float, integers converted). */
    public float[] toFloatArray() {
        float[] out = new float[count()];
        if (elementType == GGUFValueType.FLOAT32) {
            MemorySegment.copy(data, LittleEndian.FLOAT, 0, out, 0, out.length);
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    public String[] toStringArray() {
        require(elementType == GGUFValueType.STRING, "STRING");
        String[] out = new String[count()];
        long pos = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = decodeStringAt(pos);
            pos += 8 + data.get(LittleEndian.LONG, pos);
        }
        return out;
    }

    /** Up to {@code n} leading elements as values, for summaries. */
    public List<GGUFValue> first(int n) {
        List<GGUFValue> out = new ArrayList<>();
        for (long i = 0; i < Math.min(n, length); i++) {
            out.add(get(i));
        }
        return out;
    }

    // ---- building arrays in code (for the writer) ----

    public static GGUFArray ofInts(int... values) {
        MemorySegment s = heap((long) values.length * 4);
        MemorySegment.copy(values, 0, s, LittleEndian.INT, 0, values.length);
        return new GGUFArray(GGUFValueType.INT32, values.length, s);
    }

    public static GGUFArray ofFloats(float... values) {
        MemorySegment s = heap((long) values.length * 4);
        MemorySegment.copy(values, 0, s, LittleEndian.FLOAT, 0, values.length);
        return new GGUFArray(GGUFValueType.FLOAT32, values.length, s);
    }

    /** Integers of any integer type; each must fit the type. */
    public static GGUFArray ofIntegers(GGUFValueType type, long... values) {
        if (!type.isInteger()) {
            throw new IllegalArgumentException(type + " is not an integer type");
        }
        MemorySegment s = heap((long) values.length * type.size());
        for (int i = 0; i < values.length; i++) {
            if (!IntValue.fits(type, values[i])) {
                throw new IllegalArgumentException("element " + i + " = " + values[i] + " does not fit " + type);
            }
            LittleEndian.putInteger(s, (long) i * type.size(), type, values[i]);
        }
        return new GGUFArray(type, values.length, s);
    }

    public static GGUFArray ofStrings(List<String> values) {
        List<byte[]> utf8 = new ArrayList<>(values.size());
        long total = 0;
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            utf8.add(b);
            total += 8 + b.length;
        }
        MemorySegment s = heap(total);
        long pos = 0;
        for (byte[] b : utf8) {
            s.set(LittleEndian.LONG, pos, b.length);
            MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, pos + 8, b.length);
            pos += 8 + b.length;
        }
        return new GGUFArray(GGUFValueType.STRING, values.size(), s);
    }

    private static MemorySegment heap(long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an array of " + bytes + " bytes is too large to build in memory");
        }
        return MemorySegment.ofArray(new byte[(int) bytes]);
    }

    // ---- helpers ----

    private String decodeStringAt(long pos) {
        long len = data.get(LittleEndian.LONG, pos);
        return new String(data.asSlice(pos + 8, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private long[] stringStarts() {
        long[] starts = stringStarts;
        if (starts == null) {
            starts = new long[count()];
            long pos = 0;
            for (int i = 0; i < starts.length; i++) {
                starts[i] = pos;
                pos += 8 + data.get(LittleEndian.LONG, pos);
            }
            stringStarts = starts;
        }
        return starts;
    }

    private int count() {
        if (length > Integer.MAX_VALUE - 8) {
            throw new ArithmeticException("array of " + length + " elements is too long for a Java array");
        }
        return (int) length;
    }

    private long checkIndex(long i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("index " + i + " of an array of " + length);
        }
        return i;
    }

    private void require(boolean ok, String wanted) {
        if (!ok) {
            throw new IllegalStateException("array of " + elementType + ", not of " + wanted);
        }
    }

    /** Equal when the element types and the encoded bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof GGUFArray a && a.elementType == elementType && a.length == length
                && a.data.byteSize() == data.byteSize() && data.mismatch(a.data) == -1;
    }

    @Override
    public int hashCode() {
        return elementType.hashCode() * 31 + Long.hashCode(length);
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "[" + elementType + " x " + length + ": ", length > 3 ? ", ...]" : "]");
        for (GGUFValue v : first(3)) {
            j.add(v instanceof StringValue s ? '"' + s.value() + '"' : v.toString());
        }
        return j.toString();
    }
}
