package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;

/**
 * The activation quantizer of ggml's CPU matmul (x86 {@code quantize_row_q8_0}/{@code _q8_1}) is not the
 * reference quantizer llama-quantize uses for weights: it multiplies by {@code 127/max} instead of
 * {@code 1/(max/127)} and rounds half to even instead of half away from zero. On random data they agree (the
 * quant goldens' {@code activation_q} equals the reference's bytes), so these cases are built to sit on the
 * boundary where they do not.
 */
class ActivationQuantizationTest {

    /** Quant {@code index} of the one-block row {@code x} in {@code type}, by the reference and by the activation quantizer. */
    private static int[] quants(GgmlType type, float[] x, int index) {
        QuantCodec codec = Codecs.of(type);
        int qs = type == GgmlType.Q8_1 ? 4 : 2;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ref = arena.allocate(type.bytesFor(x.length));
            MemorySegment act = arena.allocate(type.bytesFor(x.length));
            codec.quantize(x, 0, ref, 0, x.length, null);
            codec.quantizeActivation(x, 0, act, 0, x.length);
            return new int[] {ref.get(JAVA_BYTE, qs + index), act.get(JAVA_BYTE, qs + index)};
        }
    }

    @Test
    void tiesRoundToEvenForActivationsAndAwayFromZeroForWeights() {
        float[] x = new float[32];
        x[0] = 127f; // the multiplier is exactly 1 both ways, so 2.5 and -2.5 stay exact ties
        x[1] = 2.5f;
        x[2] = -2.5f;
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_1}) {
            int[] up = quants(type, x, 1);
            int[] down = quants(type, x, 2);
            assertEquals(3, up[0], type + " reference: roundf(2.5)");
            assertEquals(2, up[1], type + " activation: nearest-even(2.5)");
            assertEquals(-3, down[0], type + " reference: roundf(-2.5)");
            assertEquals(-2, down[1], type + " activation: nearest-even(-2.5)");
        }
    }

    @Test
    void theMultiplierDiffersInTheLastBit() {
        float[] x = new float[32];
        x[0] = 1.2729883193969727f;
        x[1] = 1.0173882246017456f;
        // 127/max gives x·id = 101.49999237 (→ 101); 1/(max/127) gives exactly 101.5 (→ 102 away from zero).
        assertEquals(101.49999237060547f, x[1] * (127f / x[0]));
        assertEquals(101.5f, x[1] * (1f / (x[0] / 127f)));
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_1}) {
            int[] q = quants(type, x, 1);
            assertEquals(102, q[0], type + " reference");
            assertEquals(101, q[1], type + " activation");
        }
    }

    @Test
    void otherFormatsUseTheirReference() {
        float[] x = new float[256];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37) * (i % 7 + 1);
        }
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_K, GgmlType.F16, GgmlType.BF16}) {
            QuantCodec codec = Codecs.of(type);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ref = arena.allocate(type.bytesFor(x.length));
                MemorySegment act = arena.allocate(type.bytesFor(x.length));
                codec.quantize(x, 0, ref, 0, x.length, null);
                codec.quantizeActivation(x, 0, act, 0, x.length);
                assertEquals(-1, ref.mismatch(act), type.name());
            }
        }
    }
}
