package org.slmlab.quant;

import java.util.Arrays;

/**
 * The scale searches of ggml's k-quants ({@code ggml-quants.c}): given a group of weights, find the scale (and
 * for the "x + min" formats the min) whose rounded codes reproduce the group best.
 *
 * <p>Quantized files are only interchangeable if every implementation picks exactly the same codes, so these
 * methods repeat ggml's float arithmetic operation by operation: the same order of additions, the same float
 * (never double) intermediates, the same tie-breaking. Reordering a sum "harmlessly" changes the last bit of a
 * scale and, now and then, a code. Codes are written to byte arrays as ggml writes them to {@code int8_t} or
 * {@code uint8_t} arrays (values that do not fit wrap, as in C).
 *
 * <p>Methods take {@code (array, offset)} pairs in place of C's pointers.
 */
final class KQuantSearch {

    /** Groups whose largest magnitude is below this are treated as all zero (ggml's GROUP_MAX_EPS). */
    static final float GROUP_MAX_EPS = 1e-15f;

    private KQuantSearch() {
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * ggml's {@code make_qx_quants} with {@code rmse_type = 1} (the only kind the k-quants use): symmetric codes
     * {@code L = l + nmax}, l in [-nmax, nmax-1], scale chosen by weighted least squares over 19 candidate
     * inverse scales around {@code -nmax/max}. The weight of x[i] is {@code qw[i]}, or x[i]² when {@code qw} is
     * null. Returns the scale (0 for an all-zero group, whose codes are all 0).
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xo, byte[] L, int lo, float[] qw, int qwo) {
        float max = LegacyBlocks.signedAbsMax(x, xo, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            Arrays.fill(L, lo, lo + n, (byte) 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int l = clamp(Rounding.nearestInt(iscale * xi), -nmax, nmax - 1);
            L[lo + i] = (byte) (l + nmax);
            float w = qw != null ? qw[qwo + i] : xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int l = clamp(Rounding.nearestInt(iscale * xi), -nmax, nmax - 1);
                float w = qw != null ? qw[qwo + i] : xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    int l = Rounding.nearestInt(iscale * x[xo + i]);
                    L[lo + i] = (byte) (nmax + clamp(l, -nmax, nmax - 1));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * ggml's {@code make_q3_quants} with {@code do_rmse}: symmetric codes as in {@link #makeQxQuants}, weights
     * x², then up to five rounds of coordinate descent that move single codes while the weighted fit improves.
     */
    static float makeQ3Quants(int n, int nmax, float[] x, int xo, byte[] L, int lo) {
        float max = LegacyBlocks.signedAbsMax(x, xo, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            Arrays.fill(L, lo, lo + n, (byte) 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int l = clamp(Rounding.nearestInt(iscale * xi), -nmax, nmax - 1);
            L[lo + i] = (byte) l;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; ++itry) {
            int changed = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                float w = xi * xi;
                int li = L[lo + i];
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int newL = clamp(Rounding.nearestInt(xi * sl2 / slx), -nmax, nmax - 1);
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[lo + i] = (byte) newL;
                            sumlx = slx;
                            suml2 = sl2;
                            ++changed;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < n; ++i) {
            L[lo + i] += (byte) nmax;
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    /**
     * ggml's {@code make_qkx2_quants} and {@code make_qkx3_quants}: codes L in [0, nmax] for
     * {@code x ≈ scale·L - theMin}, searched over {@code nstep+1} inverse scales
     * {@code (rmin + rdelta·is + nmax)/(max - min)}; each candidate's scale and min come from a weighted
     * least-squares fit, and the candidate with the least weighted error (absolute when {@code useMad}, squared
     * otherwise) wins. Returns the scale and stores the (non-negative) min at {@code mins[mi]}. {@code aux} is
     * scratch of at least n bytes.
     *
     * <p>The two ggml functions differ only in how a candidate computes its codes: qkx2 rounds
     * {@code v = iscale·(x - min)} and clamps the integer; qkx3 ({@code clampFirst}, used with an importance
     * matrix) clamps v to {@code nmax} before rounding and gives code 0 for {@code v ≤ 0}, so that a fitted min
     * close to max cannot feed a huge or NaN value to {@link Rounding#nearestInt}. For finite v in range both
     * give the same code.
     */
    static float makeQkxQuants(int n, int nmax, float[] x, int xo, float[] weights, int wo, byte[] L, int lo,
            float[] mins, int mi, byte[] aux, float rmin, float rdelta, int nstep, boolean useMad,
            boolean clampFirst) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights[wo];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; ++i) {
            float xi = x[xo + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[wo + i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max <= min) { // ggml's qkx2 tests max == min: the same, as min ≤ 0 ≤ max here
            Arrays.fill(L, lo, lo + n, (byte) 0);
            mins[mi] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i) {
            int l = clamp(Rounding.nearestInt(iscale * (x[xo + i] - min)), 0, nmax);
            L[lo + i] = (byte) l;
            float diff = scale * l + min - x[xo + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[wo + i] * diff;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; ++i) {
                float v = iscale * (x[xo + i] - min);
                int l;
                if (clampFirst) {
                    l = v > 0 ? Rounding.nearestInt(Math.min(v, (float) nmax)) : 0;
                } else {
                    l = clamp(Rounding.nearestInt(v), 0, nmax);
                }
                aux[i] = (byte) l;
                float w = weights[wo + i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[xo + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float error = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * aux[i] + thisMin - x[xo + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    error += weights[wo + i] * diff;
                }
                if (error < bestError) {
                    System.arraycopy(aux, 0, L, lo, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        mins[mi] = -min;
        return scale;
    }

    /**
     * ggml's {@code make_qp_quants}: codes L in [0, nmax] for non-negative values (the sub-block scales and
     * mins of the imatrix quantizers), {@code x ≈ scale·L}. Tries nine inverse scales around {@code nmax/max},
     * keeps the best by weighted squared error, then refines codes by coordinate descent. Codes live in
     * {@code uint8_t} in ggml, so the comparisons read them unsigned.
     */
    static float makeQpQuants(int n, int nmax, float[] x, int xo, byte[] L, int lo, float[] qw, int qwo) {
        float max = 0;
        for (int i = 0; i < n; ++i) {
            max = Math.max(max, x[xo + i]);
        }
        if (max < GROUP_MAX_EPS) {
            Arrays.fill(L, lo, lo + n, (byte) 0);
            return 0f;
        }
        float iscale = nmax / max;
        for (int i = 0; i < n; ++i) {
            L[lo + i] = (byte) Rounding.nearestInt(iscale * x[xo + i]);
        }
        float scale = 1 / iscale;
        float bestMse = 0;
        for (int i = 0; i < n; ++i) {
            float diff = x[xo + i] - scale * (L[lo + i] & 0xFF);
            bestMse += qw[qwo + i] * diff * diff;
        }
        for (int is = -4; is <= 4; ++is) {
            if (is == 0) {
                continue;
            }
            float iscaleIs = (0.1f * is + nmax) / max;
            float scaleIs = 1 / iscaleIs;
            float mse = 0;
            for (int i = 0; i < n; ++i) {
                int l = Math.min(nmax, Rounding.nearestInt(iscaleIs * x[xo + i]));
                float diff = x[xo + i] - scaleIs * l;
                mse += qw[qwo + i] * diff * diff;
            }
            if (mse < bestMse) {
                bestMse = mse;
                iscale = iscaleIs;
            }
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = Math.min(nmax, Rounding.nearestInt(iscale * x[xo + i]));
            L[lo + i] = (byte) l;
            float w = qw[qwo + i];
            sumlx += w * x[xo + i] * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; ++itry) {
            int changed = 0;
            for (int i = 0; i < n; ++i) {
                float w = qw[qwo + i];
                float xi = x[xo + i];
                int li = L[lo + i] & 0xFF;
                float slx = sumlx - w * xi * li;
                float sl2 = suml2 - w * li * li;
                if (slx > 0 && sl2 > 0) {
                    int newL = Math.min(nmax, Rounding.nearestInt(xi * sl2 / slx));
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[lo + i] = (byte) newL;
                            sumlx = slx;
                            suml2 = sl2;
                            ++changed;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }
}
