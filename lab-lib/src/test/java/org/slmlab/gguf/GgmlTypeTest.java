package org.slmlab.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GgmlTypeTest {

    @Test
    void everyIdFromZeroToCountIsPresentOnce() {
        var upstream = java.util.Arrays.stream(GgmlType.values()).filter(t -> !t.isBitNetDialect()).toList();
        assertEquals(GgmlType.COUNT, upstream.size());
        for (GgmlType t : upstream) {
            assertEquals(t.ordinal(), t.id(), t.name());
            assertEquals(t, t.isRemoved() ? t : GgmlType.fromId(t.id()));
        }
    }

    @Test
    void bitsPerWeightMatchFormatsMd() {
        assertEquals(4.5, GgmlType.Q4_0.bitsPerWeight());
        assertEquals(8.5, GgmlType.Q8_0.bitsPerWeight());
        assertEquals(4.5, GgmlType.Q4_K.bitsPerWeight());
        assertEquals(6.5625, GgmlType.Q6_K.bitsPerWeight());
        assertEquals(2.0625, GgmlType.TQ2_0.bitsPerWeight());
        assertEquals(1.6875, GgmlType.TQ1_0.bitsPerWeight());
        assertEquals(4.25, GgmlType.MXFP4.bitsPerWeight());
    }

    @Test
    void removedAndUnknownIdsAreRejectedWithTheReason() {
        var removed = assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(4));
        assertTrue(removed.getMessage().contains("removed"), removed.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(200));
        assertTrue(unknown.getMessage().contains("unknown"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(GgmlType.COUNT));
    }

    @Test
    void bytesForRequiresWholeBlocks() {
        assertEquals(18 * 4, GgmlType.Q4_0.bytesFor(128));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q4_0.bytesFor(16));
    }

    @Test
    void idsThirtySixToThirtyNineAreBitNetTypesOnlyInBitNetFiles() {
        assertEquals(GgmlType.I2_S, GgmlType.fromId(36, GgmlType.BITNET_ARCHITECTURE));
        assertEquals(GgmlType.MXFP4, GgmlType.fromId(39, "llama"));
        var removed = assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(36, "llama"));
        assertTrue(removed.getMessage().contains("removed"), removed.getMessage());
        var tl2 = assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(39, GgmlType.BITNET_ARCHITECTURE));
        assertTrue(tl2.getMessage().contains("TL2"), tl2.getMessage());
        // 2560 weights: 640 bytes of codes, then the f32 scale padded to 32 bytes
        assertEquals(640 + 32, GgmlType.I2_S.tensorBytes(2560));
    }
}
