package io.embedstream.dev.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void shouldTakeQuantilesByNearestRank() {
        double[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};

        assertThat(Stats.quantile(sorted, 0.5)).isEqualTo(50);
        assertThat(Stats.quantile(sorted, 0.99)).isEqualTo(100);
        assertThat(Stats.quantile(sorted, 0.9)).isEqualTo(90);
        assertThat(Stats.quantile(sorted, 0.91)).isEqualTo(100);
        assertThat(Stats.quantile(sorted, 0)).isEqualTo(10);
        assertThat(Stats.quantile(sorted, 1)).isEqualTo(100);
        assertThat(Stats.quantile(new double[] {7}, 0.99)).isEqualTo(7);
    }

    @Test
    void shouldGiveNaNForTheQuantileOfNoValues() {
        assertThat(Stats.quantile(new double[0], 0.5)).isNaN();
    }

    @Test
    void shouldTakeTheMedianOfAnEvenCountAsTheMeanOfTheMiddleTwo() {
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[] {5, 1, 3})).isEqualTo(3);
    }
}
