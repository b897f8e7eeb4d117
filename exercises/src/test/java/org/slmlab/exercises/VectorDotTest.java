package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.classfile.ClassFile;
import java.lang.classfile.instruction.InvokeInstruction;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.slmlab.gguf.GgmlType;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.QuantCodec;

@Exercise(number = 13, title = "A Vector API dot product over Q8_0 rows")
class VectorDotTest {

    static final QuantCodec Q8_0 = Codecs.of(GgmlType.Q8_0);

    static MemorySegment row(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        MemorySegment q = MemorySegment.ofArray(new byte[(int) GgmlType.Q8_0.bytesFor(n)]);
        Q8_0.quantize(x, 0, q, 0, n, null);
        return q;
    }

    /** Σ|w·a| bounds the rounding error of any summation order; 1e-5 of it is far below one weight's effect. */
    static float tolerance(MemorySegment w, MemorySegment a, int n) {
        float[] wf = new float[n];
        float[] af = new float[n];
        Q8_0.dequantize(w, 0, wf, 0, n);
        Q8_0.dequantize(a, 0, af, 0, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs(wf[i] * af[i]);
        }
        return (float) (1e-5 * s + 1e-6);
    }

    @Test
    @Points(3)
    void equalsTheLabsScalarDot() {
        SplittableRandom r = new SplittableRandom(13);
        for (int n : new int[] {32, 64, 256, 1024, 4096}) {
            MemorySegment w = row(r, n);
            MemorySegment a = row(r, n);
            assertEquals(Q8_0.dotScalar(w, 0, a, 0, n), VectorDot.dotQ8_0(w, a, n), tolerance(w, a, n), "n = " + n);
        }
    }

    /** Reads VectorDot's bytecode: some method other than the static initializer must call the Vector API. */
    @Test
    @Points(1)
    void usesTheVectorApi() throws IOException {
        MemorySegment one = row(new SplittableRandom(15), 32);
        VectorDot.dotQ8_0(one, one, 32);
        byte[] bytes;
        try (InputStream in = VectorDot.class.getResourceAsStream("VectorDot.class")) {
            bytes = in.readAllBytes();
        }
        boolean vectorCalls = ClassFile.of().parse(bytes).methods().stream()
                .filter(m -> !m.methodName().equalsString("<clinit>"))
                .flatMap(m -> m.code().stream())
                .flatMap(code -> code.elementStream())
                .anyMatch(e -> e instanceof InvokeInstruction call
                        && call.owner().asInternalName().startsWith("jdk/incubator/vector/"));
        assertTrue(vectorCalls, "VectorDot computes without jdk.incubator.vector");
    }

    @Test
    @Points(1)
    void reportsTheSpeedUp(TestReporter report) {
        int n = 4096;
        SplittableRandom r = new SplittableRandom(14);
        MemorySegment w = row(r, n);
        MemorySegment a = row(r, n);
        float sink = 0;
        for (int warm = 0; warm < 2000; warm++) {
            sink += VectorDot.dotQ8_0(w, a, n) + Q8_0.dotScalar(w, 0, a, 0, n);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 2000; i++) {
            sink += Q8_0.dotScalar(w, 0, a, 0, n);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < 2000; i++) {
            sink += VectorDot.dotQ8_0(w, a, n);
        }
        long t2 = System.nanoTime();
        report.publishEntry("speed-up", String.format("%.1fx faster than the lab's scalar reference (%.1f vs %.1f µs per 4096-weight row)",
                (double) (t1 - t0) / (t2 - t1), (t2 - t1) / 2000e3, (t1 - t0) / 2000e3));
        assertTrue(Float.isFinite(sink));
    }
}
