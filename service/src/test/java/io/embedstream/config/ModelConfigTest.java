package io.embedstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    private static final Path DIR = Path.of("/models/grenade");

    @Test
    void shouldStartFromTheDefaultsOfTheDefaultsFile() {
        AppConfig loaded = new ConfigLoader().load(null, Map.of(), Map.of("topics.input", "in", "topics.output", "out",
                "kafka.bootstrap.servers", "k:9092", "registry.url", "http://r", "model.dir", DIR.toString()));
        assertThat(ModelConfig.builder().dir(DIR).build()).isEqualTo(loaded.model());
        assertThat(ModelConfig.of(DIR, "dense")).isEqualTo(loaded.model().toBuilder().layer("dense").build());
    }

    @Test
    void shouldValidateWhatTheBuilderBuildsNamingTheKey() {
        assertThatThrownBy(() -> ModelConfig.builder().build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("model.dir is required but was not set");
        assertThatThrownBy(() -> ModelConfig.builder().dir(DIR).intraOpThreads(-1).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("model.intra-op-threads: '-1' is not valid");
        ModelConfig c = ModelConfig.builder().dir(DIR).name(" ").tags(List.of()).input("").build();
        assertThat(c.name()).isEqualTo("grenade");
        assertThat(c.tags()).containsExactly("serve");
        assertThat(c.input()).isNull();
    }

    @Test
    void shouldRoundTripThroughBuilder() {
        ModelConfig c = ModelConfig.builder().dir(DIR).name("g").version("7").tags(List.of("serve", "gpu"))
                .signature("predict").input("x").layer("dense_761").sessions(SessionMode.SHARED).device(Device.AUTO)
                .intraOpThreads(3).interOpThreads(2).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().layer("dense_760").build().layer()).isEqualTo("dense_760");
    }
}
