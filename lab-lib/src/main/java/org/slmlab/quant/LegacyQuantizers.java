package org.slmlab.quant;

/** Steps the reference quantizers of the 32-weight "legacy" types share. */
final class LegacyQuantizers {

    private LegacyQuantizers() {
    }

    /**
     * With an importance matrix ggml quantizes Q4_0/Q4_1/Q5_0/Q5_1 differently (a weighted search for the scale,
     * {@code quantize_row_q4_0_impl} and kin); only the plain reference quantizers are implemented here, so
     * asking for the weighted one is an error rather than a silently different file.
     */
    static void requireNoImportance(org.slmlab.gguf.GgmlType type, float[] importance) {
        if (importance != null) {
            throw new UnsupportedOperationException(type + " quantization with an importance matrix (ggml's "
                    + "quantize_row_" + type.name().toLowerCase(java.util.Locale.ROOT) + "_impl) is not implemented "
                    + "yet; quantize without --imatrix");
        }
    }

    /**
     * The value of largest magnitude among {@code x[from .. from+n)}, with its sign (the first one on ties).
     * Q4_0 and Q5_0 divide it by −8 or −16, so this weight lands exactly on the most negative code.
     */
    static float signedAbsMax(float[] x, int from, int n) {
        float amax = 0;
        float max = 0;
        for (int j = from; j < from + n; j++) {
            if (amax < Math.abs(x[j])) {
                amax = Math.abs(x[j]);
                max = x[j];
            }
        }
        return max;
    }

    /** {min, max} of {@code x[from .. from+n)}: Q4_1 and Q5_1 spread their codes over this range. */
    static float[] minMax(float[] x, int from, int n) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = from; j < from + n; j++) {
            // Plain comparisons, as ggml: Math.min would prefer −0 over +0 and change the stored fp16 bits.
            if (x[j] < min) {
                min = x[j];
            }
            if (x[j] > max) {
                max = x[j];
            }
        }
        return new float[] {min, max};
    }
}
