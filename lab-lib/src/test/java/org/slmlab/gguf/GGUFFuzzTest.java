package org.slmlab.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slmlab.testing.SharedReference;

/**
 * Thousands of corrupted copies of valid reference files — random byte flips, truncations, and inflated
 * counts and lengths — each either opens (and then every value and tensor slice can be read) or fails with a
 * {@link GGUFFormatException}. Never another exception, an OutOfMemoryError or a hang.
 *
 * <p>Mutations concentrate on the header, metadata and tensor infos (the bytes before the data section),
 * where the parser makes decisions; a flipped weight byte is just a different weight. The random seed is
 * fixed, so a failure names a case that reproduces.
 */
class GGUFFuzzTest {

    /** Valid files and how many mutants of each: small files parse fast, so they get most cases. */
    private static final Map<String, Integer> SEEDS = new LinkedHashMap<>();

    static {
        SEEDS.put("malformed/valid_base.gguf", 2000);
        SEEDS.put("malformed/alignment_64_valid.gguf", 1000);
        SEEDS.put("malformed/n_dims_0.gguf", 500);
        SEEDS.put("models/stories260K-Q4_0.gguf", 1000);
        SEEDS.put("quant/quant-Q4_K.gguf", 1000);
        SEEDS.put("vocab/ggml-vocab-llama-spm.gguf", 200); // 32000 tokens: exercises the big string array
    }

    /** Values that break counts and lengths in interesting ways. */
    private static final long[] INFLATED = {1L << 62, Long.MAX_VALUE, -1L, 1L << 32, 1L << 31, 0xFFFF_FFFFL};

    private int opened;
    private int rejected;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void corruptFilesFailCleanly() throws Exception {
        SplittableRandom random = new SplittableRandom(20261127);
        for (String name : SEEDS.keySet()) {
            Path seed = SharedReference.path(name);
            byte[] original = Files.readAllBytes(seed);
            long metadataEnd;
            try (GGUFFile f = GGUFFile.open(seed)) {
                metadataEnd = Math.min(f.dataOffset(), original.length);
            }
            List<Integer> smallNumbers = smallU64Positions(original, metadataEnd);

            for (int i = 0; i < SEEDS.get(name); i++) {
                byte[] bytes = original.clone();
                String mutation = mutate(bytes, metadataEnd, smallNumbers, random);
                int length = mutation.startsWith("truncate") ? Integer.parseInt(mutation.substring(9)) : bytes.length;
                check(bytes, length, name + " case " + i + " (" + mutation + ")");
            }
        }
        assertTrue(opened > 100 && rejected > 1000, "both outcomes are exercised: " + opened + " opened, "
                + rejected + " rejected");
    }

    /** Applies one random mutation; returns what it did. */
    private static String mutate(byte[] b, long metadataEnd, List<Integer> smallNumbers, SplittableRandom r) {
        int kind = r.nextInt(10);
        if (kind < 4) { // flip 1-4 bytes, mostly in the metadata
            StringBuilder what = new StringBuilder("flip");
            for (int n = 1 + r.nextInt(4); n > 0; n--) {
                int at = r.nextInt(10) < 9 ? r.nextInt((int) metadataEnd) : r.nextInt(b.length);
                b[at] = (byte) r.nextInt(256);
                what.append(' ').append(at);
            }
            return what.toString();
        } else if (kind < 6) { // truncate
            int length = r.nextInt(10) < 8 ? r.nextInt((int) metadataEnd + 1) : r.nextInt(b.length);
            return "truncate " + length;
        } else { // inflate a count, length, dimension or offset
            int at = smallNumbers.get(r.nextInt(smallNumbers.size()));
            MemorySegment s = MemorySegment.ofArray(b);
            long old = s.get(LittleEndian.LONG, at);
            long v = switch (r.nextInt(4)) {
                case 0 -> INFLATED[r.nextInt(INFLATED.length)];
                case 1 -> old + 1 + r.nextInt(64);
                case 2 -> old * (2 + r.nextInt(1000));
                default -> old - 1;
            };
            s.set(LittleEndian.LONG, at, v);
            return "set u64 at " + at + " from " + old + " to " + v;
        }
    }

    /** Offsets whose u64 is a small positive number: where counts, lengths, dims and offsets are likely to be. */
    private static List<Integer> smallU64Positions(byte[] b, long end) {
        MemorySegment s = MemorySegment.ofArray(b);
        List<Integer> out = new ArrayList<>();
        for (int at = 8; at + 8 <= end; at++) {
            long v = s.get(LittleEndian.LONG, at);
            if (v > 0 && v < (1 << 24)) {
                out.add(at);
            }
        }
        return out;
    }

    private void check(byte[] bytes, int length, String what) {
        MemorySegment segment = MemorySegment.ofArray(bytes).asSlice(0, length);
        try (GGUFFile f = GGUFFile.of(Path.of("fuzz.gguf"), segment, Arena.ofConfined())) {
            readEverything(f);
            opened++;
        } catch (GGUFFormatException e) {
            assertTrue(e.getMessage().startsWith("fuzz.gguf: at byte "), e.getMessage());
            rejected++;
        } catch (Throwable t) {
            fail(what + ": " + t, t);
        }
    }

    /** Everything a user of an opened file can reach must work. */
    private static void readEverything(GGUFFile f) {
        GGUFJson.describe(f);
        for (GGUFValue v : f.metadata().values()) {
            if (v instanceof GGUFArray a) {
                switch (a.elementType()) {
                    case STRING -> assertEquals(a.length(), a.toStringArray().length);
                    case FLOAT32, FLOAT64 -> assertEquals(a.length(), a.toFloatArray().length);
                    case BOOL -> a.first(Integer.MAX_VALUE);
                    default -> assertEquals(a.length(), a.toLongArray().length);
                }
            }
        }
        for (TensorInfo t : f.tensors()) {
            MemorySegment data = f.tensorData(t);
            if (data.byteSize() > 0) {
                data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            }
        }
    }
}
