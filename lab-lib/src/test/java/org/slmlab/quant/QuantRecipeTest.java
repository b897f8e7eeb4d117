package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;

/** The per-tensor types, and their order, against every file llama-quantize made from an F32 master. */
class QuantRecipeTest {

    static Stream<Named<ReferenceQuantizations>> references() {
        return ReferenceQuantizations.all().stream();
    }

    @ParameterizedTest
    @MethodSource("references")
    void choosesLlamaQuantizesTypeForEveryTensorInItsOrder(ReferenceQuantizations ref) throws IOException {
        try (GGUFFile master = GGUFFile.open(ref.masterPath()); GGUFFile expected = GGUFFile.open(ref.outputPath())) {
            QuantRecipe recipe = new QuantRecipe(LlamaFileType.parse(ref.type()), ref.pure(), false,
                    QuantRecipe.Model.of(master));
            List<QuantRecipe.Choice> plan = recipe.plan(master.tensors());
            List<TensorInfo> want = expected.tensors();
            assertEquals(want.size(), plan.size());
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i).name(), plan.get(i).tensor().name(), "tensor #" + i);
                assertEquals(want.get(i).type(), plan.get(i).type(), want.get(i).name());
            }
        }
    }

    @Test
    void stories260KFfnDownFallsBackToF16BecauseItsRowsAre172Long() {
        TensorInfo ffnDown = new TensorInfo("blk.0.ffn_down.weight", GgmlType.F32, new long[] {172, 64}, 0, 172 * 64 * 4);
        assertEquals(GgmlType.F16, QuantRecipe.fitShape(ffnDown, GgmlType.Q4_0));
        assertEquals(GgmlType.F16, QuantRecipe.fitShape(ffnDown, GgmlType.Q4_K)); // Q5_0 does not fit either
        TensorInfo rows96 = new TensorInfo("w.weight", GgmlType.F32, new long[] {96, 4}, 0, 96 * 4 * 4);
        assertEquals(GgmlType.Q5_0, QuantRecipe.fitShape(rows96, GgmlType.Q4_K));
        assertEquals(GgmlType.IQ4_NL, QuantRecipe.fitShape(rows96, GgmlType.IQ2_XS));
        assertEquals(GgmlType.Q4_0, QuantRecipe.fitShape(rows96, GgmlType.TQ2_0));
    }

    @Test
    void layersGetMoreBitsAtBothEndsAndEveryThirdBetween() {
        // 32 layers: 0-3 and 28-31, then 6, 9, ... (layer - 4) % 3 == 2
        List<Integer> more = java.util.stream.IntStream.range(0, 32).filter(i -> QuantRecipe.useMoreBits(i, 32))
                .boxed().toList();
        assertEquals(List.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31), more);
    }

    @Test
    void normsAndOneDimensionalTensorsAreNeverQuantized() {
        assertFalse(QuantRecipe.allowsQuantization(
                new TensorInfo("blk.0.attn_norm.weight", GgmlType.F32, new long[] {256}, 0, 1024)));
        assertFalse(QuantRecipe.allowsQuantization(
                new TensorInfo("blk.0.ffn_gate_inp.weight", GgmlType.F32, new long[] {256, 8}, 0, 8192)));
        assertFalse(QuantRecipe.allowsQuantization(
                new TensorInfo("blk.0.attn_q.weight", GgmlType.F32, new long[] {256, 1}, 0, 1024)));
        assertTrue(QuantRecipe.allowsQuantization(
                new TensorInfo("blk.0.attn_q.weight", GgmlType.F32, new long[] {256, 256}, 0, 262144)));
    }

    @Test
    void veryLowBitTypesRefuseToRunWithoutAnImportanceMatrix() {
        var model = new QuantRecipe.Model("llama", 1, 4, 4, 0);
        var q = new TensorInfo("blk.0.attn_q.weight", GgmlType.F32, new long[] {256, 256}, 0, 262144);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new QuantRecipe(LlamaFileType.IQ2_XXS, true, false, model).plan(List.of(q)));
        assertTrue(e.getMessage().contains("importance matrix"), e.getMessage());
        assertEquals(GgmlType.IQ2_XXS,
                new QuantRecipe(LlamaFileType.IQ2_XXS, true, true, model).plan(List.of(q)).getFirst().type());
    }

    @Test
    void fileTypeNamesAndAliasesParseLikeLlamaQuantize() {
        assertEquals(LlamaFileType.Q4_K_M, LlamaFileType.parse("q4_k"));
        assertEquals(LlamaFileType.MXFP4_MOE, LlamaFileType.parse("MXFP4"));
        assertEquals(15, LlamaFileType.parse("Q4_K_M").id());
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaFileType.parse("Q9_0"));
        assertTrue(e.getMessage().contains("Q4_K_M"), e.getMessage());
    }
}
