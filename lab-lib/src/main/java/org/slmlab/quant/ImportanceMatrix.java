package org.slmlab.quant;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.LittleEndian;
import org.slmlab.gguf.TensorInfo;

/**
 * An importance matrix (llama-imatrix's output): for each weight matrix, the mean squared activation that met each
 * of its input columns on calibration text. Quantizers weigh their rounding errors with it, so the columns that
 * carry large activations are kept most precisely.
 *
 * <p>Two file formats: GGUF (llama-imatrix's default today) with tensors {@code <name>.in_sum2} (Σ x² per column,
 * one row per expert) and {@code <name>.counts} (how many activations were summed, per expert); and the legacy
 * binary {@code .dat}: {@code int32 n}, then per entry {@code int32 len, name, int32 ncall, int32 nval,
 * float[nval]} holding sums over {@code ncall} calls. Both become means, as llama-quantize computes them.
 */
public final class ImportanceMatrix {

    private final Map<String, float[]> byTensor;

    private ImportanceMatrix(Map<String, float[]> byTensor) {
        this.byTensor = byTensor;
    }

    /** The importance of each input column of {@code tensor} (per expert, one after the other), or null. */
    public float[] of(String tensor) {
        return byTensor.get(tensor);
    }

    public int size() {
        return byTensor.size();
    }

    public static ImportanceMatrix load(Path path) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(path)) {
            if (in.readNBytes(magic, 0, 4) == 4 && new String(magic, StandardCharsets.US_ASCII).equals("GGUF")) {
                return fromGguf(path);
            }
        }
        return fromLegacy(path);
    }

    private static ImportanceMatrix fromGguf(Path path) throws IOException {
        Map<String, float[]> map = new HashMap<>();
        try (GGUFFile f = GGUFFile.open(path)) {
            for (TensorInfo sums : f.tensors()) {
                if (!sums.name().endsWith(".in_sum2")) {
                    continue;
                }
                String name = sums.name().substring(0, sums.name().length() - ".in_sum2".length());
                float[] s = floats(f, sums);
                float[] counts = floats(f, f.tensor(name + ".counts"));
                int cols = (int) sums.rowLength();
                if (counts.length * (long) cols != s.length) {
                    throw new IOException(path + ": " + name + ".counts has " + counts.length + " values for "
                            + sums.rows() + " rows of " + name + ".in_sum2");
                }
                for (int e = 0; e < counts.length; e++) {
                    for (int i = 0; i < cols; i++) {
                        // columns that never saw an activation count as neutral, as llama-quantize does
                        s[e * cols + i] = counts[e] > 0 ? s[e * cols + i] / counts[e] : 1;
                    }
                }
                map.put(name, s);
            }
        }
        return new ImportanceMatrix(map);
    }

    private static float[] floats(GGUFFile f, TensorInfo t) throws IOException {
        if (t.type() != org.slmlab.gguf.GgmlType.F32) {
            throw new IOException(f.path() + ": imatrix tensor " + t.name() + " is " + t.type() + ", expected F32");
        }
        MemorySegment s = f.tensorData(t);
        float[] out = new float[Math.toIntExact(t.elementCount())];
        MemorySegment.copy(s, LittleEndian.FLOAT, 0, out, 0, out.length);
        return out;
    }

    private static ImportanceMatrix fromLegacy(Path path) throws IOException {
        Map<String, float[]> map = new HashMap<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(path))) {
            int entries = readInt(in, path, "entry count");
            if (entries < 0 || entries > 1_000_000) {
                throw new IOException(path + ": not an imatrix file (GGUF or legacy .dat): entry count " + entries);
            }
            for (int e = 0; e < entries; e++) {
                int len = readInt(in, path, "name length of entry " + e);
                if (len <= 0 || len > 4096) {
                    throw new IOException(path + ": entry " + e + " has a name of " + len + " bytes");
                }
                String name = new String(in.readNBytes(len), StandardCharsets.UTF_8);
                int calls = readInt(in, path, name + " call count");
                int n = readInt(in, path, name + " value count");
                if (n <= 0 || n > (1 << 28)) {
                    throw new IOException(path + ": " + name + " has " + n + " values");
                }
                byte[] raw = in.readNBytes(n * 4);
                if (raw.length != n * 4) {
                    throw new IOException(path + ": truncated in the values of " + name);
                }
                float[] v = new float[n];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                if (calls > 0) {
                    for (int i = 0; i < n; i++) {
                        v[i] /= calls;
                    }
                }
                map.put(name, v);
            }
        }
        return new ImportanceMatrix(map);
    }

    private static int readInt(DataInputStream in, Path path, String what) throws IOException {
        try {
            return Integer.reverseBytes(in.readInt());
        } catch (EOFException e) {
            throw new IOException(path + ": file ends before the " + what, e);
        }
    }
}
