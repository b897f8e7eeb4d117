package org.slmlab.quant;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The lattice codebooks of the I-quants: the fixed sets of points ("grids") that a group of 8 (or 4) weight
 * magnitudes is rounded to as a whole, so that one 8-to-11-bit index stores a whole group.
 *
 * <p>Each point's coordinates take a few levels only (3 for the 2-bit and 1-bit grids, 8 for the 3-bit ones), and
 * of all the combinations ggml keeps the 256..2048 that real weights hit most often (the points near the E8 or D4
 * lattice). Which points those are is part of the format, so the tables are data: the resources
 * {@code lattice/<name>.bin} hold the arrays {@code iq2xxs_grid}, {@code iq2xs_grid}, {@code iq2s_grid},
 * {@code iq3xxs_grid}, {@code iq3s_grid} and {@code iq1s_grid} of ggml-common.h (llama.cpp) as ggml lays them out
 * in memory: point {@code k}'s coordinate {@code i} is byte {@code dim·k + i} (the little-endian bytes of the
 * uint64/uint32 entries). All six are read once, when this class is first used (34 KB), and checked.
 */
enum LatticeCodebook {
    /** 256 points of 8 coordinates in {8, 25, 43}. */
    IQ2_XXS("iq2xxs_grid", 256, 8, 8, 25, 43),
    /** 512 points of 8 coordinates in {8, 25, 43}. */
    IQ2_XS("iq2xs_grid", 512, 8, 8, 25, 43),
    /** 1024 points of 8 coordinates in {8, 25, 43}. */
    IQ2_S("iq2s_grid", 1024, 8, 8, 25, 43),
    /** 256 points of 4 coordinates in {4, 12, 20, 28, 36, 44, 52, 62}. */
    IQ3_XXS("iq3xxs_grid", 256, 4, 4, 12, 20, 28, 36, 44, 52, 62),
    /** 512 points of 4 coordinates in {1, 3, 5, 7, 9, 11, 13, 15}. */
    IQ3_S("iq3s_grid", 512, 4, 1, 3, 5, 7, 9, 11, 13, 15),
    /** 2048 points of 8 ternary coordinates in {−1, 0, 1}; shared by IQ1_S and IQ1_M. */
    IQ1_S("iq1s_grid", 2048, 8, -1, 0, 1);

    /** Number of points. */
    final int size;
    /** Coordinates per point. */
    final int dim;
    /** The values a coordinate can take, ascending; a coordinate's index in here is its "level". */
    final byte[] levels;
    /** Point {@code k}'s coordinate {@code i} at {@code dim·k + i}. */
    private final byte[] points;
    /** {@link #points} as floats, for the vector paths. */
    private final float[] pointsAsFloats;
    /** {@link #points} as ints, for the vector paths. */
    private final int[] pointsAsInts;

    LatticeCodebook(String resource, int size, int dim, int... levels) {
        this.size = size;
        this.dim = dim;
        this.levels = new byte[levels.length];
        for (int i = 0; i < levels.length; i++) {
            this.levels[i] = (byte) levels[i];
        }
        this.points = load(resource, size * dim);
        this.pointsAsFloats = new float[points.length];
        this.pointsAsInts = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            if (levelOf(points[i]) < 0) {
                throw new IllegalStateException("lattice codebook " + resource + ": byte " + i + " is " + points[i]
                        + ", not one of the format's levels");
            }
            pointsAsFloats[i] = points[i];
            pointsAsInts[i] = points[i];
        }
    }

    private static byte[] load(String resource, int bytes) {
        String path = "lattice/" + resource + ".bin";
        try (InputStream in = LatticeCodebook.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource org/slmlab/quant/" + path + " is missing from the build");
            }
            byte[] data = in.readAllBytes();
            if (data.length != bytes) {
                throw new IllegalStateException("resource org/slmlab/quant/" + path + " has " + data.length
                        + " bytes, expected " + bytes);
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource org/slmlab/quant/" + path, e);
        }
    }

    /** Coordinate {@code i} of point {@code k}. */
    int coordinate(int k, int i) {
        return points[dim * k + i];
    }

    /** The level (index into {@link #levels}) of a coordinate value, or −1 if it is not one. */
    int levelOf(int value) {
        for (int l = 0; l < levels.length; l++) {
            if (levels[l] == value) {
                return l;
            }
        }
        return -1;
    }

    /** All points as floats, point {@code k} from index {@code dim·k} (shared: never write to it). */
    float[] pointsAsFloats() {
        return pointsAsFloats;
    }

    /** All points as ints, point {@code k} from index {@code dim·k} (shared: never write to it). */
    int[] pointsAsInts() {
        return pointsAsInts;
    }
}
