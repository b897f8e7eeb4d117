package org.slmlab.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import org.slmlab.gguf.GgmlType;

/**
 * How much a quantization type loses on given weights: quantize, dequantize, and compare with the original.
 *
 * <pre>{@code
 * float[] w = ...;                                      // e.g. a weight matrix, row after row
 * QuantError e = QuantError.measure(w, 1024, GgmlType.Q4_0, null);
 * System.out.println(e);   // Q4_0   4.50 bpw  rmse 7.1e-02  max 2.9e-01  snr 22.9 dB  cos 0.99746
 * }</pre>
 *
 * @param type          the type measured
 * @param count         how many values were compared
 * @param rmse          root mean square error: sqrt(mean((x − x̂)²))
 * @param maxAbsError   the largest |x − x̂|
 * @param snrDb         signal-to-noise ratio in decibels, 10·log10(Σx² / Σ(x − x̂)²): +20 dB = 10× smaller error;
 *                      infinite when the round trip is exact
 * @param cosine        cosine similarity of x and x̂ (1 = same direction); 1 when both are all zero
 * @param bitsPerWeight storage cost of the type, scales included
 */
public record QuantError(GgmlType type, long count, double rmse, double maxAbsError, double snrDb, double cosine,
        double bitsPerWeight) {

    /**
     * Quantizes {@code x} to {@code type} row by row ({@code rowLength} values a row, a whole number of blocks;
     * {@code importance}, an imatrix row of {@code rowLength} values, may be null except for the types that require
     * one), dequantizes it, and compares.
     */
    public static QuantError measure(float[] x, int rowLength, GgmlType type, float[] importance) {
        return compare(x, roundTrip(x, rowLength, type, importance), type);
    }

    /** {@link #measure(float[], int, GgmlType, float[])} with the whole array as one row and no importance. */
    public static QuantError measure(float[] x, GgmlType type) {
        return measure(x, x.length, type, null);
    }

    /** {@code x} quantized to {@code type} and dequantized again: what a model stored as {@code type} computes with. */
    public static float[] roundTrip(float[] x, int rowLength, GgmlType type, float[] importance) {
        if (rowLength <= 0 || x.length % rowLength != 0) {
            throw new IllegalArgumentException(x.length + " values do not divide into rows of " + rowLength);
        }
        if (rowLength % type.blockSize() != 0) {
            throw new IllegalArgumentException("rows of " + rowLength + " values are not a whole number of " + type
                    + " blocks of " + type.blockSize());
        }
        QuantCodec codec = Codecs.of(type);
        long rowBytes = type.bytesFor(rowLength);
        float[] y = new float[x.length];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment row = arena.allocate(rowBytes, 64);
            for (int r = 0; r < x.length / rowLength; r++) {
                codec.quantize(x, r * rowLength, row, 0, rowLength, importance);
                codec.dequantize(row, 0, y, r * rowLength, rowLength);
            }
        }
        return y;
    }

    /** The error metrics of {@code approx} against {@code exact}, charged at {@code type}'s bits per weight. */
    public static QuantError compare(float[] exact, float[] approx, GgmlType type) {
        if (exact.length != approx.length || exact.length == 0) {
            throw new IllegalArgumentException("cannot compare " + exact.length + " values with " + approx.length);
        }
        double signal = 0;
        double noise = 0;
        double approxEnergy = 0;
        double cross = 0;
        double max = 0;
        for (int i = 0; i < exact.length; i++) {
            double a = exact[i];
            double b = approx[i];
            double e = a - b;
            signal += a * a;
            noise += e * e;
            approxEnergy += b * b;
            cross += a * b;
            max = Math.max(max, Math.abs(e));
        }
        double rmse = Math.sqrt(noise / exact.length);
        double snr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
        double cosine;
        if (signal == 0 || approxEnergy == 0) {
            cosine = noise == 0 ? 1 : 0; // a zero vector has no direction: only "both zero" counts as the same
        } else {
            cosine = cross / Math.sqrt(signal * approxEnergy);
        }
        return new QuantError(type, exact.length, rmse, max, snr, cosine, type.bitsPerWeight());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%-8s %5.2f bpw  rmse %.2e  max %.2e  snr %5.1f dB  cos %.5f", type.name(),
                bitsPerWeight, rmse, maxAbsError, snrDb, cosine);
    }
}
