package io.embedstream.dev.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsTest {

    private static Results.Roof roof(int round, double msAt1, double msAt8, double msAt64) {
        return new Results.Roof("m", round, List.of(new Results.RoofPoint(1, 1000 / msAt1, msAt1, 1),
                new Results.RoofPoint(8, 8000 / msAt8, msAt8, 1), new Results.RoofPoint(64, 64000 / msAt64, msAt64, 1)));
    }

    @Test
    void shouldInterpolateTheBatchComputeTimeBetweenMeasuredBatchSizesFromTheMedianRound() {
        Results results = new Results();
        results.roofs.add(roof(0, 1.0, 2.0, 9.0));
        results.roofs.add(roof(1, 1.2, 2.2, 10.0)); // the median round
        results.roofs.add(roof(2, 5.0, 9.0, 30.0));

        assertThat(results.batchComputeMs("m", 8)).isCloseTo(2.2, within(1e-9));
        assertThat(results.batchComputeMs("m", 36)).isCloseTo(2.2 + (10.0 - 2.2) / 2, within(1e-9));
        assertThat(results.batchComputeMs("m", 0.5)).isCloseTo(0.6, within(1e-9)); // time per record at batch 1
        assertThat(results.batchComputeMs("m", 128)).isCloseTo(20.0, within(1e-9)); // time per record at batch 64
        assertThat(results.roofRate("m", 64).orElseThrow()).isCloseTo(6400, within(1e-6));
    }

    @Test
    void shouldCountARunAsSettledOnlyWhenWarmUpAndBothTimedHalvesAgreeWithinTenPercent() {
        assertThat(throughput(1.05, 0.95).settled()).isTrue();
        assertThat(throughput(Double.NaN, 1.09).settled()).isTrue(); // warm-up shorter than a window
        assertThat(throughput(1.15, 1.0).settled()).isFalse();
        assertThat(throughput(1.0, 0.85).settled()).isFalse();
    }

    private static Results.Throughput throughput(double lastWarmupRatio, double halvesRatio) {
        return new Results.Throughput("m", 0, RunSpec.THROUGHPUT.get(0), 100, 1, 1, 1, 1, 1, 1, 0, 1, lastWarmupRatio,
                halvesRatio, List.of());
    }
}
