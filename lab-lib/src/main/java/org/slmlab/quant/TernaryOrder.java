package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.LittleEndian;

/**
 * ggml's x86 order for a TQ1_0 or TQ2_0 row times a Q8_K row ({@code ggml_vec_dot_tq1_0_q8_K},
 * {@code ggml_vec_dot_tq2_0_q8_K}), which llama.cpp runs for every (row, token) pair, prompts too: no tinyBLAS
 * kernel takes the ternary types.
 *
 * <p><b>The order.</b> Per 256-weight block, 8 integer lanes: lane {@code k} sums {@code c·q} (the stored code
 * {@code c = w + 1 ∈ {0, 1, 2}}) over the weights whose index mod 32 lies in {@code [4k, 4k + 4)}, and subtracts
 * {@code bsums[2k] + bsums[2k + 1]}, the sum of quants {@code 32k .. 32k + 31} — a different set of quants, so a
 * lane is not the Σ(c − 1)·q of its own weights, only the 8 lanes together are. Each lane, converted to float, is
 * multiplied by {@code d = d_a·d_w} (rounded) and added to the lane's float accumulator in one fused multiply-add
 * — the source writes a multiply and an add, which the compiler of the reference build fused: with them apart,
 * row 0 of quant-TQ1_0.gguf's and quant-TQ2_0.gguf's matvec misses ggml's by 12 ulps, fused every row equals it
 * bit for bit (VecDotOrderTest). At the end {@link PartialSums#hsum} adds the 8 lanes.
 */
final class TernaryOrder {

    static final int LANES = 8;

    private TernaryOrder() {
    }

    /** The integer lane of weight {@code i} of a block. */
    static int lane(int i) {
        return i % 32 / 4;
    }

    /**
     * Adds one block to the float lanes {@code acc}: {@code sums} holds each lane's Σc·q, and the Q8_K block at
     * {@code aBlock} gives the scale and the {@code bsums}.
     */
    static void addBlock(int[] sums, MemorySegment act, long aBlock, float dw, float[] acc) {
        float d = act.get(LittleEndian.FLOAT, aBlock + Q8_KCodec.D) * dw;
        for (int k = 0; k < LANES; k++) {
            int bsums = act.get(LittleEndian.SHORT, aBlock + Q8_KCodec.BSUMS + 4L * k)
                    + act.get(LittleEndian.SHORT, aBlock + Q8_KCodec.BSUMS + 4L * k + 2);
            acc[k] = Math.fma((float) (sums[k] - bsums), d, acc[k]);
        }
    }
}
