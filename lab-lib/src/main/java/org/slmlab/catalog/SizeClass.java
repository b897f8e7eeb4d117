package org.slmlab.catalog;

/**
 * The SLM parameter classes of the course: micro (100M–1.4B), small (1.5B–13.9B), medium (14B–30B).
 *
 * <p>The gaps in those ranges (1.4B–1.5B, 13.9B–14B) are rounding in the curriculum's wording; the lab closes
 * them by drawing each boundary at the next class's lower bound. Some authors end "small" at 10B instead of
 * 14B: {@link #classify(long, long)} takes that boundary as a parameter so the two views can be compared.
 */
public enum SizeClass {
    /** Below the course's range (under 100M parameters). */
    TINY,
    MICRO,
    SMALL,
    MEDIUM,
    /** Above 30B: no longer a small language model. */
    LARGE;

    public static final long MICRO_FROM = 100_000_000L;
    public static final long SMALL_FROM = 1_500_000_000L;
    public static final long MEDIUM_FROM = 14_000_000_000L;
    public static final long MEDIUM_TO = 30_000_000_000L;
    /** The alternative small/medium boundary some sources use. */
    public static final long SMALL_TO_ALTERNATIVE = 10_000_000_000L;

    public static SizeClass classify(long params) {
        return classify(params, MEDIUM_FROM);
    }

    /** Classifies with a chosen start for "medium" (14B in the course, 10B in some sources). */
    public static SizeClass classify(long params, long mediumFrom) {
        if (params < MICRO_FROM) {
            return TINY;
        }
        if (params < SMALL_FROM) {
            return MICRO;
        }
        if (params < mediumFrom) {
            return SMALL;
        }
        return params <= MEDIUM_TO ? MEDIUM : LARGE;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
