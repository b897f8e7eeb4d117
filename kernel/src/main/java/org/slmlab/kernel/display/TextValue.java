package org.slmlab.kernel.display;

import java.lang.reflect.Array;

/**
 * A value as text, the way jshell prints it: strings and chars as Java literals, arrays with their type, length
 * and elements (only the first {@value #MAX_ELEMENTS}, so a weight tensor does not flood the notebook),
 * everything else by {@code toString()}.
 */
public final class TextValue {

    static final int MAX_ELEMENTS = 32;

    private TextValue() {
    }

    public static String of(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> quote(s, '"');
            case Character c -> quote(c.toString(), '\'');
            case Object array when array.getClass().isArray() -> array(array);
            default -> value.toString();
        };
    }

    private static String array(Object array) {
        int length = Array.getLength(array);
        Class<?> element = array.getClass().getComponentType();
        StringBuilder type = new StringBuilder();
        while (element.isArray()) {
            type.append("[]");
            element = element.getComponentType();
        }
        StringBuilder out = new StringBuilder(element.getSimpleName()).append('[').append(length).append(']').append(type);
        if (length == 0) {
            return out.append(" {}").toString();
        }
        out.append(" { ");
        int shown = Math.min(length, MAX_ELEMENTS);
        for (int i = 0; i < shown; i++) {
            out.append(i == 0 ? "" : ", ").append(of(Array.get(array, i)));
        }
        if (shown < length) {
            out.append(", … (").append(length - shown).append(" more)");
        }
        return out.append(" }").toString();
    }

    private static String quote(String s, char quote) {
        StringBuilder out = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c == quote) {
                        out.append('\\').append(c);
                    } else if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(quote).toString();
    }
}
