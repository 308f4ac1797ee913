package io.embedstream.dev.bench;

import java.util.Arrays;

/** Medians, spreads and percentiles of repeated measurements. Stateless. */
public final class Stats {
    private Stats() {}

    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    public static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /**
     * The {@code q}-quantile ({@code 0 <= q <= 1}) of values sorted in ascending order, by the nearest-rank method:
     * the smallest value with at least {@code q} of all values at or below it. NaN for no values.
     */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }
}
