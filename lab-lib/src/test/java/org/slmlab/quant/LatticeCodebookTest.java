package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The codebooks load whole and distinct, and the quantizer's lookup tables agree with a brute-force search. */
class LatticeCodebookTest {

    @ParameterizedTest
    @EnumSource(LatticeCodebook.class)
    void everyPointIsDistinctAndFoundByItsLevels(LatticeCodebook book) {
        LatticeIndex index = LatticeIndex.of(book);
        Set<List<Integer>> seen = new HashSet<>();
        byte[] levels = new byte[book.dim];
        for (int k = 0; k < book.size; k++) {
            List<Integer> coordinates = new ArrayList<>();
            for (int i = 0; i < book.dim; i++) {
                coordinates.add(book.coordinate(k, i));
                levels[i] = (byte) book.levelOf(book.coordinate(k, i));
            }
            assertTrue(seen.add(coordinates), book + " point " + k + " repeats " + coordinates);
            assertEquals(k, index.pointAt(index.pack(levels, 0)), book + " point " + k);
        }
    }

    /** Neighbour lists: every point at the few smallest distances, nearest first, ties by index (ggml's qsort). */
    @ParameterizedTest
    @EnumSource(LatticeCodebook.class)
    void neighbourListsMatchASortedBruteForceSearch(LatticeCodebook book) {
        LatticeIndex index = LatticeIndex.of(book);
        int bits = index.bits;
        int checked = 0;
        for (int u = 0; u < 1 << bits * book.dim; u += 97) {
            int[] levels = new int[book.dim];
            boolean valid = true;
            for (int i = 0; i < book.dim; i++) {
                levels[i] = u >> bits * i & (1 << bits) - 1;
                valid &= levels[i] < book.levels.length;
            }
            if (!valid || index.pointAt(u) >= 0) {
                continue;
            }
            List<int[]> byDistance = new ArrayList<>(); // {distance, point}
            for (int k = 0; k < book.size; k++) {
                int d2 = 0;
                for (int i = 0; i < book.dim; i++) {
                    int diff = index.level(k, i) - levels[i];
                    d2 += diff * diff;
                }
                byDistance.add(new int[] {d2, k});
            }
            byDistance.sort(Comparator.<int[]>comparingInt(a -> a[0]).thenComparingInt(a -> a[1]));
            int list = index.neighbourList(u);
            int count = index.neighbourCount(list);
            int distinct = 1;
            for (int j = 1; j < count; j++) {
                distinct += byDistance.get(j)[0] != byDistance.get(j - 1)[0] ? 1 : 0;
            }
            int[] expected = byDistance.stream().limit(count).mapToInt(a -> a[1]).toArray();
            int[] actual = new int[count];
            for (int j = 1; j <= count; j++) {
                actual[j - 1] = index.neighbour(list, j);
            }
            assertArrayEquals(expected, actual, book + " neighbours of " + u);
            assertTrue(count == book.size || byDistance.get(count)[0] != byDistance.get(count - 1)[0],
                    book + " neighbours of " + u + " stop inside a distance");
            assertTrue(distinct >= 1 && distinct <= 3, book + " neighbours of " + u + " span " + distinct);
            checked++;
        }
        assertTrue(checked > 10, "only " + checked + " off-grid combinations checked");
    }

    @Test
    void sevenStoredSignBitsGetAnEvenParityEighth() {
        // A few entries of ggml's ksigns_iq2xs table.
        assertEquals(0, IqSigns.fromSevenBits(0));
        assertEquals(129, IqSigns.fromSevenBits(1));
        assertEquals(3, IqSigns.fromSevenBits(3));
        assertEquals(255, IqSigns.fromSevenBits(127));
        for (int s = 0; s < 128; s++) {
            int signs = IqSigns.fromSevenBits(s);
            assertEquals(s, signs & 127);
            assertEquals(0, Integer.bitCount(signs) % 2, "sign byte " + signs);
        }
    }
}
