package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import org.slmlab.gguf.GgmlType;

/**
 * What Q4_K and Q5_K share: super-blocks of 256 weights in eight sub-blocks of 32, each weight
 * {@code d·sc[j]·q - dmin·m[j]} with 6-bit sub-block scales {@code sc[j]} and mins {@code m[j]}
 * ({@link ScaleMinPacking}) under fp16 super-block scales {@code d} and {@code dmin}. The two formats differ
 * only in how many bits a code {@code q} has and where those bits are stored, which is all a subclass says.
 *
 * <p>Common header: {@code d} at byte 0, {@code dmin} at 2, the 12-byte scale/min field at 4; codes follow.
 *
 * <p>The scalar references live here; each subclass has its own Vector API dequantizer, written out in one
 * method: helper methods that return vectors get compiled on their own, and then C2 may refuse to inline them
 * ("already compiled into a big method") and box every vector they return. The fast dot products go through
 * {@link SuperBlockTile}, with the integer weights {@code sc·q} from the same expansion.
 *
 * <p>Dot products take the activations as Q8_K (values {@code d_a·a}, with block sums of {@code a} per 16):
 * per super-block {@code d·d_a·Σ_j sc[j]·Σ q·a - dmin·d_a·Σ_j m[j]·Σ a}. Both sums are integers, computed
 * exactly; the min term needs only the activation block sums, never the codes.
 */
@SuppressWarnings("unchecked") // an array of VectorShuffle<Float>
abstract sealed class ScaleMinCodec implements SuperBlockTile.Decoder permits Q4_KCodec, Q5_KCodec {

    static final int QK = KBlocks.QK_K;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final jdk.incubator.vector.VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    static final int D = ScaleMinQuantizer.D;
    static final int DMIN = ScaleMinQuantizer.DMIN;
    static final int SCALES = ScaleMinQuantizer.SCALES;
    /** Offset of the first byte after the header. */
    static final int CODES = SCALES + ScaleMinPacking.BYTES;

    private final GgmlType type;
    private final int bytes;
    /** Offset of the 4-bit codes in a block. */
    private final int codes;
    /** Offset of Q5_K's fifth bits, or -1. */
    private final int highBits;

    ScaleMinCodec(GgmlType type, int codes, int highBits) {
        this.type = type;
        this.bytes = type.typeSize();
        this.codes = codes;
        this.highBits = highBits;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    /** The code q of weight {@code i} (0-255) of the block at {@code x}. */
    abstract int code(MemorySegment s, long x, int i);

    /** A new quantizer with this format's code range and search parameters. */
    abstract ScaleMinQuantizer newQuantizer();

    /** Stores the 256 codes {@code L} (after the header) into {@code block}. */
    abstract void packCodes(byte[] L, byte[] block);

    @Override
    public final void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        long blocks = type.bytesFor(n) / bytes;
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * bytes;
            float d = Fp16.read(src, x + D);
            float dmin = Fp16.read(src, x + DMIN);
            for (int i = 0; i < QK; i++) {
                int j = i / 32;
                float scale = d * ScaleMinPacking.scale(src, x + SCALES, j);
                float min = dmin * ScaleMinPacking.min(src, x + SCALES, j);
                dst[dstOffset + b * QK + i] = scale * code(src, x, i) - min;
            }
        }
    }

    @Override
    public final void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n,
            float[] importance) {
        KBlocks.checkQuantize(type, n, importance);
        ScaleMinQuantizer quantizer = newQuantizer();
        byte[] block = new byte[bytes];
        for (int b = 0; b < n / QK; b++) {
            int qwo = importance == null ? 0 : (b * QK) % importance.length;
            quantizer.quantize(src, srcOffset + b * QK, importance, qwo, block);
            packCodes(quantizer.codes, block);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) b * bytes, bytes);
        }
    }

    /**
     * Expands the 256 codes of the super-block at {@code x} into {@code dst[y..]} as
     * {@code scaled[j]·q - scaled[8 + j]} for sub-block {@code j}: the dequantized weights, or (with
     * {@code d = 1} and no mins) the integers {@code sc·q}.
     */
    abstract void expand(MemorySegment src, long x, float[] scaled, float[] dst, int y);

    @Override
    public final void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        long blocks = type.bytesFor(n) / bytes;
        float[] scaled = new float[16];
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * bytes;
            unpackScales(src, x, Fp16.read(src, x + D), Fp16.read(src, x + DMIN), scaled);
            expand(src, x, scaled, dst, dstOffset + b * QK);
        }
    }

    @Override
    public final void decodeIntegers(MemorySegment w, long x, float[] ints, int at, float[] scales, int[] mins,
                                     int k, float[] scratch) {
        unpackScales(w, x, 1, 1, scratch);
        for (int j = 0; j < 8; j++) {
            mins[8 * k + j] = (int) scratch[8 + j];
            scratch[8 + j] = 0;
        }
        expand(w, x, scratch, ints, at);
        scales[2 * k] = Fp16.read(w, x + D);
        scales[2 * k + 1] = Fp16.read(w, x + DMIN);
    }

    /**
     * The eight sub-block scales {@code d·sc[j]} (into {@code scaled[0..7]}) and mins {@code dmin·m[j]} (into
     * {@code scaled[8..15]}) of the super-block at {@code x}, as the scalar reference computes them. The 6-bit
     * fields are moved into 16 bytes four at a time — the same bit moves as {@link ScaleMinPacking#scale} and
     * {@link ScaleMinPacking#min} — then widened to floats together: unpacking them one by one cost more than
     * dequantizing the 256 weights.
     */
    static void unpackScales(MemorySegment src, long x, float d, float dmin, float[] scaled) {
        FloatVector multiplier = FloatVector.broadcast(F512, d).blend(dmin, MIN_LANES);
        scalesAndMins(src, x).mul(multiplier).intoArray(scaled, 0);
    }

    /**
     * The integers {@code sc[0..7]} and {@code m[0..7]} of the super-block at {@code x}, as 16 float lanes. With the
     * 12 bytes as ints {@code w0, w1, w2}, the four lanes of packed 6-bit fields are
     * <pre>
     *   scales 0-3  w0 & 0x3F3F3F3F                 scales 4-7  (w2 & 0x0F0F0F0F) | (w0 >>> 2 & 0x30303030)
     *   mins 0-3    w1 & 0x3F3F3F3F                 mins 4-7    (w2 >>> 4 & 0x0F0F0F0F) | (w1 >>> 2 & 0x30303030)
     * </pre>
     * (the same bit moves as {@link ScaleMinPacking#scale} and {@link ScaleMinPacking#min}), computed for the four
     * lanes at once from two arrangements of the words.
     */
    private static FloatVector scalesAndMins(MemorySegment src, long x) {
        IntVector words = IntVector.fromMemorySegment(I128, src, x + SCALES, LE); // w0 w1 w2, then a code word
        IntVector low = words.rearrange(LOW_WORDS).lanewise(LSHR, LOW_SHIFTS).and(LOW_MASKS);
        IntVector high = words.rearrange(HIGH_WORDS).lanewise(LSHR, 2).and(HIGH_MASKS);
        return (FloatVector) low.or(high).reinterpretAsBytes().convertShape(B2F, F512, 0);
    }

    private static final VectorShuffle<Integer> LOW_WORDS = VectorShuffle.fromValues(I128, 0, 2, 1, 2);
    private static final IntVector LOW_SHIFTS = IntVector.fromArray(I128, new int[] {0, 0, 0, 4}, 0);
    private static final IntVector LOW_MASKS =
            IntVector.fromArray(I128, new int[] {0x3F3F3F3F, 0x0F0F0F0F, 0x3F3F3F3F, 0x0F0F0F0F}, 0);
    private static final VectorShuffle<Integer> HIGH_WORDS = VectorShuffle.fromValues(I128, 0, 0, 1, 1);
    private static final IntVector HIGH_MASKS = IntVector.fromArray(I128, new int[] {0, 0x30303030, 0, 0x30303030}, 0);

    /** Lanes 8-15 of {@link #unpackScales}: the mins, scaled by {@code dmin}. */
    private static final VectorMask<Float> MIN_LANES = VectorMask.fromLong(F512, 0xFF00L);

    /**
     * The order in which {@link #dotRow} meets the codes ({@link Q8_KLanes}): 64 bytes of codes are two 32-byte
     * groups, whose low nibbles are sub-blocks {@code 4L} and {@code 4L + 2} (for the bytes {@code 64L ..}) and
     * whose high nibbles are sub-blocks {@code 4L + 1} and {@code 4L + 3}.
     */
    private static final Q8_KLanes.Order LANE_ORDER = new Q8_KLanes.Order(0, 64, 32, 96, 128, 192, 160, 224);
    /** Lanes 0-7 of group {@code g = 2L + nibble} are in sub-block {@code 4L + nibble}, lanes 8-15 two further. */
    private static final VectorShuffle<Float>[] SCALE_OF_LANE = new VectorShuffle[4];
    /** The bit of {@code qh} that is bit 4 of the codes of group {@code g}: the lanes' sub-block numbers. */
    private static final IntVector[] HIGH_BIT_OF_GROUP = new IntVector[4];
    private static final VectorShuffle<Integer> QH_TWICE = KBlocks.repeatHalf(0);

    static {
        for (int g = 0; g < 4; g++) {
            int sub = 4 * (g / 2) + g % 2;
            SCALE_OF_LANE[g] = VectorShuffle.fromOp(F512, k -> k < 8 ? sub : sub + 2);
            HIGH_BIT_OF_GROUP[g] = KBlocks.halves(sub, sub + 2);
        }
    }

    @Override
    public final Q8_KLanes.Order laneOrder() {
        return LANE_ORDER;
    }

    /**
     * One weight row times activation row {@code t}, without decoding the row first: per super-block ggml's
     * exact integers {@code Σ_j sc[j]·Σ q·a} (in float lanes) and {@code Σ_j m[j]·Σ a}.
     *
     * <p>The codes are read 64 bytes at a time as 16 int lanes; a nibble of each of a lane's four bytes
     * becomes floats with a shift and a mask (Q5_K adds its fifth bit from {@code qh}) and meets its activation,
     * which {@link Q8_KLanes} put in the same lane, in an FMA. The four products of a lane share a sub-block,
     * so a group's lanes are multiplied by their scales once. The min term is one product of the unpacked mins
     * with the activations' pair sums.
     *
     * <p>Exactness: a lane's group sum is at most 4·31·128, times a scale ≤ 63, four groups: 2·10⁶ < 2²⁴; the
     * eight min products at most 63·32·128 each. All are exact integers in floats, added up exactly (the main
     * sum as ints), then scaled as the scalar reference does: the result is {@link #dotScalar}'s bit for bit.
     */
    @Override
    public final float dotRow(MemorySegment w, long row, Q8_KLanes a, int t) {
        float[] lanes = a.lanes;
        float sum = 0;
        for (int b = 0; b < a.blocks; b++) {
            long x = row + (long) b * bytes;
            int at = (t * a.blocks + b) * Q8_KLanes.STRIDE;
            FloatVector scalesMins = scalesAndMins(w, x);
            // exact in any order (see above), so the float reduction's order does not matter here
            float minSum = scalesMins.mul(FloatVector.fromArray(F512, lanes, at + Q8_KLanes.PAIRS)).reduceLanes(ADD);
            FloatVector total = FloatVector.zero(F512);
            for (int half = 0; half < 2; half++) {
                IntVector qs = IntVector.fromMemorySegment(I512, w, x + codes + 64 * half, LE);
                for (int nibble = 0; nibble < 2; nibble++) {
                    int g = 2 * half + nibble;
                    // Q4_K takes each code straight from its nibble; Q5_K first builds 5-bit codes in the bytes
                    // (bit j of qh[l] is bit 4 of the code of weight 32j + l), then takes whole bytes
                    IntVector q = qs;
                    int shift = 4 * nibble;
                    int mask = 0x0F;
                    if (highBits >= 0) {
                        q = qs.lanewise(LSHR, shift).and(0x0F0F0F0F).or(IntVector.fromMemorySegment(I512, w,
                                x + highBits, LE).rearrange(QH_TWICE).lanewise(LSHR, HIGH_BIT_OF_GROUP[g])
                                .and(0x01010101).lanewise(LSHL, 4));
                        shift = 0;
                        mask = 0xFF;
                    }
                    FloatVector acc = FloatVector.zero(F512);
                    for (int s = 0; s < 4; s++) {
                        FloatVector v = (FloatVector) q.lanewise(LSHR, 8 * s + shift).and(mask).convert(I2F, 0);
                        acc = v.fma(FloatVector.fromArray(F512, lanes, at + 64 * g + 16 * s), acc);
                    }
                    total = acc.fma(scalesMins.rearrange(SCALE_OF_LANE[g]), total);
                }
            }
            int sumQA = ((IntVector) total.convert(F2I, 0)).reduceLanes(ADD);
            float da = a.d[t * a.blocks + b];
            sum += Fp16.read(w, x + D) * da * sumQA - Fp16.read(w, x + DMIN) * da * minSum;
        }
        return sum;
    }

    /** {@code Σ_j m[j]·Σ a} over the super-block: the integer part of the min term. */
    private static int minTerm(MemorySegment w, long x, MemorySegment act, long a) {
        int sum = 0;
        for (int j = 0; j < 8; j++) {
            int actSum = KBlocks.q8kBlockSum(act, a, 2 * j) + KBlocks.q8kBlockSum(act, a, 2 * j + 1);
            sum += ScaleMinPacking.min(w, x + SCALES, j) * actSum;
        }
        return sum;
    }

    /** One super-block's dot product from {@code Σ_j sc[j]·Σ q·a} ({@code sumQA}), the scalar or fast way. */
    static float combine(MemorySegment w, long x, MemorySegment act, long a, int sumQA) {
        float da = KBlocks.q8kScale(act, a);
        return Fp16.read(w, x + D) * da * sumQA - Fp16.read(w, x + DMIN) * da * minTerm(w, x, act, a);
    }

    @Override
    public final float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        long blocks = type.bytesFor(n) / bytes;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = wOffset + (long) b * bytes;
            long a = actOffset + (long) b * GgmlType.Q8_K.typeSize();
            int sumQA = 0;
            for (int j = 0; j < 8; j++) {
                int subSum = 0;
                for (int i = 32 * j; i < 32 * j + 32; i++) {
                    subSum += code(w, x, i) * KBlocks.q8kValue(act, a, i);
                }
                sumQA += ScaleMinPacking.scale(w, x + SCALES, j) * subSum;
            }
            sum += combine(w, x, act, a, sumQA);
        }
        return sum;
    }
}
