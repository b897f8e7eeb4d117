package org.slmlab.gguf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a model's tensors add up to: parameters, bytes, and how they split over ggml types. The average bits
 * per weight ({@code bytes x 8 / parameters}) is the number that decides a model's size: 16 for F16, 4.5 for
 * Q4_0, a little more for a Q4_K_M mixture whose few important tensors use 6 bits.
 *
 * @param byType one total per type present, largest share of bytes first
 */
public record TensorStats(long parameters, long bytes, List<TypeTotal> byType) {

    /** The tensors of one ggml type. */
    public record TypeTotal(GgmlType type, int tensors, long parameters, long bytes) {
    }

    public static TensorStats of(List<TensorInfo> tensors) {
        Map<GgmlType, long[]> sums = new EnumMap<>(GgmlType.class); // {tensors, parameters, bytes}
        long parameters = 0;
        long bytes = 0;
        for (TensorInfo t : tensors) {
            long[] s = sums.computeIfAbsent(t.type(), k -> new long[3]);
            s[0]++;
            s[1] += t.elementCount();
            s[2] += t.byteSize();
            parameters += t.elementCount();
            bytes += t.byteSize();
        }
        List<TypeTotal> byType = new ArrayList<>();
        sums.forEach((type, s) -> byType.add(new TypeTotal(type, (int) s[0], s[1], s[2])));
        byType.sort(Comparator.comparingLong(TypeTotal::bytes).reversed());
        return new TensorStats(parameters, bytes, List.copyOf(byType));
    }

    /** Average storage bits per parameter, or 0 when there are none. */
    public double bitsPerWeight() {
        return parameters == 0 ? 0 : bytes * 8.0 / parameters;
    }

    /** The fraction of all tensor bytes held by {@code total}'s type. */
    public double share(TypeTotal total) {
        return bytes == 0 ? 0 : (double) total.bytes() / bytes;
    }
}
