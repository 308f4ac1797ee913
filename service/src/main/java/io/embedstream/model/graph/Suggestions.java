package io.embedstream.model.graph;

import io.embedstream.config.Levenshtein;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** "Did you mean" suggestions by edit distance. Stateless. */
public final class Suggestions {

    private Suggestions() {}

    /**
     * The candidates closest to {@code wanted} (Levenshtein distance, case-insensitive), at most
     * {@code max}, nearest first; only those within a third of the longer name's length (at least 2) and
     * at most one edit worse than the best.
     */
    public static List<String> nearest(String wanted, Collection<String> candidates, int max) {
        String w = wanted.toLowerCase(Locale.ROOT);
        List<Scored> close = new LinkedHashSet<>(candidates).stream()
                .map(c -> new Scored(c, Levenshtein.distance(w, c.toLowerCase(Locale.ROOT))))
                .filter(s -> s.distance <= Math.max(2, Math.max(w.length(), s.name.length()) / 3))
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .toList();
        if (close.isEmpty()) {
            return List.of();
        }
        int best = close.get(0).distance;
        return close.stream().filter(s -> s.distance <= best + 1).limit(max).map(Scored::name).toList();
    }

    private record Scored(String name, int distance) {}
}
