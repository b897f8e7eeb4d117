package org.slmlab.cli;

import java.util.Arrays;

/** Parses {@code --tokens 1,2,3}. */
final class TokenList {

    private TokenList() {
    }

    static int[] parse(String csv) {
        try {
            return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--tokens expects comma-separated integers like 1,2,3, got '" + csv
                    + "'");
        }
    }
}
