package io.embedstream.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TensorRefTest {

    @Test
    void shouldParseTheTopLevelSpellingWithAndWithoutIndex() {
        assertThat(TensorRef.parse("serving_default_conv2d_input:0")).isEqualTo(new TensorRef("serving_default_conv2d_input", 0));
        assertThat(TensorRef.parse("StatefulPartitionedCall:2")).isEqualTo(new TensorRef("StatefulPartitionedCall", 2));
        assertThat(TensorRef.parse("hidden/scaled")).isEqualTo(new TensorRef("hidden/scaled", 0));
        assertThat(TensorRef.parse("hidden/scaled").graphName()).isEqualTo("hidden/scaled:0");
    }
}
