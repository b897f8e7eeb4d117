package org.slmlab.quant;

/** The switch between the scalar references and the Vector API fast paths. */
public final class Simd {

    /** {@code -Dslmlab.scalar=true} forces every kernel onto its scalar reference (for teaching and debugging). */
    public static final boolean SCALAR_ONLY = Boolean.getBoolean("slmlab.scalar");

    private Simd() {
    }
}
