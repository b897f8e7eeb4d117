package org.slmlab.exercises;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exercise 3, solved. */
public final class GgufHeader {

    private GgufHeader() {
    }

    public static int version(byte[] file) {
        return header(file).getInt(4);
    }

    public static long tensorCount(byte[] file) {
        return header(file).getLong(8);
    }

    public static Map<String, Object> metadata(byte[] file) {
        ByteBuffer in = header(file).position(16);
        long count = in.getLong();
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            String key = string(in);
            metadata.put(key, value(in, in.getInt()));
        }
        return metadata;
    }

    private static ByteBuffer header(byte[] file) {
        if (file.length < 24 || file[0] != 'G' || file[1] != 'G' || file[2] != 'U' || file[3] != 'F') {
            throw new IllegalArgumentException("not a GGUF file: it must start with the magic \"GGUF\"");
        }
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[Math.toIntExact(in.getLong())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer in, int type) {
        return switch (type) {
            case 0 -> (long) Byte.toUnsignedInt(in.get());
            case 1 -> (long) in.get();
            case 2 -> (long) Short.toUnsignedInt(in.getShort());
            case 3 -> (long) in.getShort();
            case 4 -> Integer.toUnsignedLong(in.getInt());
            case 5 -> (long) in.getInt();
            case 6 -> (double) in.getFloat();
            case 7 -> in.get() != 0;
            case 8 -> string(in);
            case 9 -> {
                int elementType = in.getInt();
                long n = in.getLong();
                List<Object> list = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    list.add(value(in, elementType));
                }
                yield list;
            }
            case 10, 11 -> in.getLong();
            case 12 -> in.getDouble();
            default -> throw new IllegalArgumentException("unknown GGUF value type " + type);
        };
    }
}
