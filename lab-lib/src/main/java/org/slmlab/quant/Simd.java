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
     * and greedy tokens from one run to the next. The order is {@link GgmlSum#reduce16}'s, which is
     * {@code _mm512_reduce_add_ps}'s.
     *
     * <p>Written for the JIT as much as for the reader: one method, whose first operation is on a vector of a known
     * shape (−0 + v, which changes no lane, not even a zero's sign or a NaN). Kernels call this once per row, and
     * C2 may judge that call too cold to inline; compiled on its own, a method does not know which shape its
     * {@code FloatVector} argument has, and every vector operation on it then falls back to plain Java that
     * allocates. A helper method taking a vector would be the same trap (C2 compiles small helpers on their own
     * too). The fallback once cost generation 15–40% of its time.
     *
     * <p>Why the lanes go through an array: halving the vector with {@code reinterpretShape} reads well, but C2
     * compiles those halves into general permutations, some forty instructions; a store and seven scalar additions
     * cost less. Per row of Q8_0's single-token kernel that was 12.1–12.3 against 14.0 GB/s (1 thread, from cache).
     */
    public static float sum(FloatVector v) {
        float[] lanes = new float[GgmlSum.LANES];
        FloatVector.broadcast(F512, -0f).add(v).intoArray(lanes, 0);
        return GgmlSum.reduce16(lanes, 0);
    }
}
