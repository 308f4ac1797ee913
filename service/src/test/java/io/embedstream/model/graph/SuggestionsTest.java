package io.embedstream.model.graph;

import io.embedstream.config.Levenshtein;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    @Test
    void shouldMeasureEditDistance() {
        assertThat(Levenshtein.distance("dense", "dense")).isZero();
        assertThat(Levenshtein.distance("dens", "dense")).isEqualTo(1);
        assertThat(Levenshtein.distance("conv2d_7", "conv2d_1")).isEqualTo(1);
        assertThat(Levenshtein.distance("", "abc")).isEqualTo(3);
        assertThat(Levenshtein.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void shouldSuggestOnlyTheClosestNames() {
        List<String> layers = List.of("conv2d", "max_pooling2d", "flatten", "dense", "dense_1");
        assertThat(Suggestions.nearest("dense_9", layers, 3)).containsExactly("dense_1", "dense");
        assertThat(Suggestions.nearest("Dense", layers, 3)).containsExactly("dense");
        assertThat(Suggestions.nearest("flaten", layers, 3)).containsExactly("flatten");
        assertThat(Suggestions.nearest("embedding", layers, 3)).isEmpty();
    }
}
