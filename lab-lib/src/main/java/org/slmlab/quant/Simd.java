package org.slmlab.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The switch between the scalar references and the Vector API fast paths, and the vector shapes the fast paths
 * use.
 *
 * <p>The block kernels are written for 512-bit registers (AVX-512): 16 floats or ints per vector, so a block of
 * 32 weights is two vectors, and its 32 bytes of int8 quants widen from 128-bit byte vectors. On a CPU whose
 * widest vectors are narrower, the JIT cannot compile 512-bit species to instructions and would emulate them —
 * far slower than plain Java — so {@link #FAST} is off there and the scalar references run instead.
 */
public final class Simd {

    /** {@code -Dslmlab.scalar=true} forces every kernel onto its scalar reference (for teaching and debugging). */
    public static final boolean SCALAR_ONLY = Boolean.getBoolean("slmlab.scalar");

    /** True when the CPU executes 512-bit vectors natively. */
    public static final boolean HAS_512_BIT = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    /** Whether the dispatchers in {@link QuantCodec} take the fast paths. */
    public static final boolean FAST = !SCALAR_ONLY && HAS_512_BIT;

    public static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    public static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    public static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    public static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    public static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    public static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;

    private Simd() {
    }

    /**
     * The sum of a 512-bit float vector's lanes in one fixed order: the upper half added to the lower, halving down
     * to four lanes, then {@code (l0 + l2) + (l1 + l3)}. {@code reduceLanes(ADD)} promises no order for floats, and
     * the interpreter's and C2's orders differ: the same dot product changed in its last bits once the JIT compiled
     * it (two of three random vectors did), and through 8-bit activation rounding that changed logits by 0.1
     * and greedy tokens from one run to the next. This costs about what {@code reduceLanes} does.
     *
     * <p>Written for the JIT as much as for the reader: one method, whose first operation is on a vector of a known
     * shape (−0 + v, which changes no lane, not even a zero's sign or a NaN). Kernels call this once per row, and
     * C2 may judge that call too cold to inline; compiled on its own, a method does not know which shape its
     * {@code FloatVector} argument has, and every vector operation on it then falls back to plain Java that
     * allocates. A helper method taking a vector would be the same trap (C2 compiles small helpers on their own
     * too), so the halving steps are written out here. The fallback once cost generation 15–40% of its time.
     *
     * <p>Storing the lanes to an array and adding them as scalars reads fewer instructions (C2 compiles the halving
     * into general permutations) and measured faster for one kernel from cache, but slower end to end: tg32 on the
     * Qwen3-0.6B twins, 2 threads, six back-to-back pairs (Q8_0, Q6_K, F16) all came out 1–14% lower with the
     * array, which a row kernel allocates per call. So the halving stays.
     */
    public static float sum(FloatVector v) {
        FloatVector x = FloatVector.broadcast(F512, -0f).add(v);
        FloatVector half = ((FloatVector) x.reinterpretShape(F256, 0)).add((FloatVector) x.reinterpretShape(F256, 1));
        FloatVector q = ((FloatVector) half.reinterpretShape(F128, 0)).add((FloatVector) half.reinterpretShape(F128, 1));
        return (q.lane(0) + q.lane(2)) + (q.lane(1) + q.lane(3));
    }
}
