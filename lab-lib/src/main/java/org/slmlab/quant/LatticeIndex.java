package org.slmlab.quant;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the I-quant quantizers need to round a group of levels to a codebook point, as ggml's
 * {@code iq2xs_init_impl} / {@code iq3xs_init_impl} build it: for every combination of levels, either the point
 * that has exactly those levels, or the list of nearby points to choose from.
 *
 * <p>A group's levels are packed into one number {@code u} (2 bits per coordinate for the ternary/3-level grids,
 * 3 bits for the 8-level ones). Most combinations are not codebook points; for those the "neighbours" are all the
 * points at the {@code nwant} smallest distinct squared distances from {@code u}, ordered by distance and then by
 * point index — the order ggml's {@code qsort} of (distance, index) pairs gives. The quantizer then picks the one
 * with the smallest weighted error.
 *
 * <p>Only needed to quantize, so built lazily on first use, once per codebook (well under a second for the
 * largest, IQ1_S's 2048 points), and shared by all threads.
 */
final class LatticeIndex {

    private static final Map<LatticeCodebook, LatticeIndex> BUILT = new ConcurrentHashMap<>();

    /** Marks a level combination the quantizers never produce (a level beyond the codebook's). */
    private static final int NOT_A_LEVEL_COMBINATION = Integer.MIN_VALUE;

    final LatticeCodebook book;
    /** Bits per coordinate in a packed level combination. */
    final int bits;
    /** Point {@code k}'s level of coordinate {@code i} at {@code dim·k + i}. */
    private final byte[] pointLevels;
    /** By packed levels: the point index (≥ 0), or −(start + 1) of the neighbour list in {@link #neighbours}. */
    private final int[] map;
    /** Neighbour lists, each a count followed by that many point indices. */
    private final char[] neighbours;

    static LatticeIndex of(LatticeCodebook book) {
        return BUILT.computeIfAbsent(book, LatticeIndex::new);
    }

    /** ggml's {@code nwant}: how many distinct distances the neighbour lists of each codebook cover. */
    private static int distancesWanted(LatticeCodebook book) {
        return switch (book) {
            case IQ2_S -> 1;
            case IQ2_XXS, IQ2_XS, IQ3_XXS -> 2;
            case IQ3_S, IQ1_S -> 3;
        };
    }

    private LatticeIndex(LatticeCodebook book) {
        this.book = book;
        this.bits = book.levels.length > 4 ? 3 : 2;
        int dim = book.dim;
        pointLevels = new byte[book.size * dim];
        map = new int[1 << bits * dim];
        Arrays.fill(map, NOT_A_LEVEL_COMBINATION);
        for (int k = 0; k < book.size; k++) {
            int u = 0;
            for (int i = 0; i < dim; i++) {
                int level = book.levelOf(book.coordinate(k, i));
                pointLevels[dim * k + i] = (byte) level;
                u |= level << bits * i;
            }
            map[u] = k;
        }
        int nwant = distancesWanted(book);
        char[] lists = new char[4096];
        int used = 0;
        int[] distance = new int[book.size];
        int[] smallest = new int[nwant];
        int[] levels = new int[dim];
        for (int u = 0; u < map.length; u++) {
            if (map[u] >= 0 || !unpack(u, levels)) {
                continue;
            }
            Arrays.fill(smallest, Integer.MAX_VALUE);
            for (int k = 0; k < book.size; k++) {
                int d2 = 0;
                for (int i = 0; i < dim; i++) {
                    int diff = pointLevels[dim * k + i] - levels[i];
                    d2 += diff * diff;
                }
                distance[k] = d2;
                insertDistinct(smallest, d2);
            }
            int count = 0;
            for (int k = 0; k < book.size; k++) {
                count += isAmong(smallest, distance[k]) ? 1 : 0;
            }
            if (used + 1 + count > lists.length) {
                lists = Arrays.copyOf(lists, Math.max(2 * lists.length, used + 1 + count));
            }
            int start = used;
            lists[used++] = (char) count;
            for (int d2 : smallest) {
                for (int k = 0; k < book.size && d2 != Integer.MAX_VALUE; k++) {
                    if (distance[k] == d2) {
                        lists[used++] = (char) k;
                    }
                }
            }
            map[u] = -(start + 1);
        }
        neighbours = Arrays.copyOf(lists, used);
    }

    /** The levels of packed combination {@code u}; false if one of them is beyond the codebook's levels. */
    private boolean unpack(int u, int[] levels) {
        for (int i = 0; i < levels.length; i++) {
            levels[i] = u >> bits * i & (1 << bits) - 1;
            if (levels[i] >= book.levels.length) {
                return false;
            }
        }
        return true;
    }

    /** Keeps {@code smallest} the ascending list of the smallest distinct values seen. */
    private static void insertDistinct(int[] smallest, int value) {
        for (int i = 0; i < smallest.length; i++) {
            if (value == smallest[i]) {
                return;
            }
            if (value < smallest[i]) {
                System.arraycopy(smallest, i, smallest, i + 1, smallest.length - i - 1);
                smallest[i] = value;
                return;
            }
        }
    }

    private static boolean isAmong(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** Packs {@code book.dim} levels from {@code levels[off]}. */
    int pack(byte[] levels, int off) {
        int u = 0;
        for (int i = 0; i < book.dim; i++) {
            u |= levels[off + i] << bits * i;
        }
        return u;
    }

    /** The point whose levels are exactly {@code u}, or −1 if there is none. */
    int pointAt(int u) {
        int m = map[u];
        if (m == NOT_A_LEVEL_COMBINATION) {
            throw new IllegalArgumentException("level combination " + u + " is outside the " + book + " codebook");
        }
        return Math.max(m, -1);
    }

    /** Where the neighbour list of an off-grid combination {@code u} starts (its first entry is the count). */
    int neighbourList(int u) {
        int m = map[u];
        if (m >= 0 || m == NOT_A_LEVEL_COMBINATION) {
            throw new IllegalArgumentException("level combination " + u + " has no neighbour list");
        }
        return -m - 1;
    }

    int neighbourCount(int list) {
        return neighbours[list];
    }

    /** The {@code j}-th (from 1) point of a neighbour list. */
    int neighbour(int list, int j) {
        return neighbours[list + j];
    }

    /** Level of coordinate {@code i} of point {@code k}. */
    int level(int k, int i) {
        return pointLevels[book.dim * k + i];
    }

    /** Copies point {@code k}'s levels to {@code levels[off ..]}. */
    void copyLevels(int k, byte[] levels, int off) {
        System.arraycopy(pointLevels, book.dim * k, levels, off, book.dim);
    }
}
