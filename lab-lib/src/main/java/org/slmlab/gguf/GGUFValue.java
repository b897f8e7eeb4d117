package org.slmlab.gguf;

import java.util.Objects;

/**
 * One metadata value: a number, a boolean, a string or an array ({@link GGUFArray}). Every value knows its
 * {@link #type()}, the tag that is written before it in the file, so a value read from a file is written
 * back with the same width and signedness.
 *
 * <p>Switch over the cases with pattern matching:
 * <pre>{@code
 * switch (value) {
 *     case GGUFValue.IntValue i -> ... i.value() ...
 *     case GGUFValue.FloatValue f -> ...
 *     case GGUFValue.BoolValue b -> ...
 *     case GGUFValue.StringValue s -> ...
 *     case GGUFArray a -> ...
 * }
 * }</pre>
 */
public sealed interface GGUFValue permits GGUFValue.IntValue, GGUFValue.FloatValue, GGUFValue.BoolValue,
        GGUFValue.StringValue, GGUFArray {

    GGUFValueType type();

    /**
     * Any of the eight integer types. Unsigned values are zero-extended, so a UINT32 of 4294967295 is
     * 4294967295 here; a UINT64 above {@link Long#MAX_VALUE} keeps its bits (use {@link #toString()} or
     * {@link Long#toUnsignedString(long)} to show it).
     */
    record IntValue(GGUFValueType type, long value) implements GGUFValue {
        public IntValue {
            if (!type.isInteger()) {
                throw new IllegalArgumentException(type + " is not an integer type");
            }
            if (!fits(type, value)) {
                throw new IllegalArgumentException(value + " does not fit " + type);
            }
        }

        /** Whether {@code v} is in the range of {@code type} (UINT64 and INT64 take any long). */
        static boolean fits(GGUFValueType type, long v) {
            return switch (type) {
                case UINT8 -> v >= 0 && v <= 0xFF;
                case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
                case UINT16 -> v >= 0 && v <= 0xFFFF;
                case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
                case UINT32 -> v >= 0 && v <= 0xFFFF_FFFFL;
                case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
                default -> true;
            };
        }

        /** True when a UINT64 does not fit a signed long (then {@link #value()} is negative). */
        public boolean exceedsLong() {
            return type == GGUFValueType.UINT64 && value < 0;
        }

        @Override
        public String toString() {
            return type == GGUFValueType.UINT64 ? Long.toUnsignedString(value) : Long.toString(value);
        }
    }

    /** FLOAT32 or FLOAT64; a FLOAT32 is held exactly (every float is a double). */
    record FloatValue(GGUFValueType type, double value) implements GGUFValue {
        public FloatValue {
            if (!type.isFloat()) {
                throw new IllegalArgumentException(type + " is not a float type");
            }
        }

        @Override
        public String toString() {
            return type == GGUFValueType.FLOAT32 ? Float.toString((float) value) : Double.toString(value);
        }
    }

    /**
     * A BOOL is one byte; llama.cpp treats any non-zero byte as true (and accepts 2), so the byte is kept
     * as stored and written back unchanged.
     */
    record BoolValue(byte raw) implements GGUFValue {
        public boolean value() {
            return raw != 0;
        }

        @Override
        public GGUFValueType type() {
            return GGUFValueType.BOOL;
        }

        @Override
        public String toString() {
            return Boolean.toString(value());
        }
    }

    /** A STRING; invalid UTF-8 in the file is decoded with replacement characters, as llama.cpp allows it. */
    record StringValue(String value) implements GGUFValue {
        public StringValue {
            Objects.requireNonNull(value);
        }

        @Override
        public GGUFValueType type() {
            return GGUFValueType.STRING;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    static GGUFValue ofUInt32(long v) {
        return new IntValue(GGUFValueType.UINT32, v);
    }

    static GGUFValue of(String s) {
        return new StringValue(s);
    }

    static GGUFValue of(int v) {
        return new IntValue(GGUFValueType.INT32, v);
    }

    static GGUFValue of(long v) {
        return new IntValue(GGUFValueType.INT64, v);
    }

    static GGUFValue of(float v) {
        return new FloatValue(GGUFValueType.FLOAT32, v);
    }

    static GGUFValue of(double v) {
        return new FloatValue(GGUFValueType.FLOAT64, v);
    }

    static GGUFValue of(boolean v) {
        return new BoolValue((byte) (v ? 1 : 0));
    }
}
