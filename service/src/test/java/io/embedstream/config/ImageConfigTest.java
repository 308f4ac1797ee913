package io.embedstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageConfigTest {

    @Test
    void shouldHaveDocumentedDefaults() {
        ImageConfig c = ImageConfig.defaults();
        assertThat(c.maxConcurrency()).isEqualTo(16);
        assertThat(c.maxBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(c.maxRedirects()).isEqualTo(5);
        assertThat(c.maxPixels()).isEqualTo(40_000_000L);
        assertThat(c.allowPrivate()).isFalse();
        assertThat(c.roots()).isEmpty();
        assertThat(c.allowHosts()).isEmpty();
        assertThat(c.resize()).isEqualTo(ResizeMode.STRETCH);
        assertThat(c.scaling()).isEqualTo(Scaling.UNIT);
        assertThat(c.scale()).isEqualTo(1.0);
    }

    @Test
    void shouldNormaliseHostPatternsAndRoots() {
        ImageConfig c = ImageConfig.builder()
                .allowHosts(List.of(" Images.Example.COM. ", "*.CDN.example.com", "[::1]", "10.0.0.5"))
                .roots(List.of(Path.of("/data/images/../images")))
                .build();
        assertThat(c.allowHosts()).containsExactly("images.example.com", "*.cdn.example.com", "::1", "10.0.0.5");
        assertThat(c.roots()).containsExactly(Path.of("/data/images"));
    }

    @Test
    void shouldRejectBadHostPatternNamingKeyValueAndForm() {
        assertThatThrownBy(() -> ImageConfig.builder().denyHosts(List.of("ok.com", "exa*mple.com")).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("image.deny-hosts[1]")
                .hasMessageContaining("exa*mple.com")
                .hasMessageContaining("*.suffix");
        assertThatThrownBy(() -> ImageConfig.builder().allowHosts(List.of("http://x.com/")).build())
                .hasMessageContaining("image.allow-hosts[0]");
    }

    @Test
    void shouldRejectOutOfRangeNumbersNamingTheKey() {
        assertThatThrownBy(() -> ImageConfig.builder().maxConcurrency(0).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("image.max-concurrency: '0'")
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> ImageConfig.builder().maxBytes(0).build())
                .hasMessageContaining("image.max-bytes");
        assertThatThrownBy(() -> ImageConfig.builder().maxRetries(-1).build())
                .hasMessageContaining("image.max-retries");
        assertThatThrownBy(() -> ImageConfig.builder().readTimeoutMs(0).build())
                .hasMessageContaining("image.read-timeout-ms");
        assertThatThrownBy(() -> ImageConfig.builder().maxPixels(0).build())
                .hasMessageContaining("image.max-pixels");
    }

    @Test
    void shouldOnlyTakeMeanAndStdWithCustomScaling() {
        assertThatThrownBy(() -> ImageConfig.builder().scaling(Scaling.IMAGENET).mean(List.of(0.5)).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("image.mean")
                .hasMessageContaining("custom");
        ImageConfig c = ImageConfig.builder().scaling(Scaling.CUSTOM).mean(List.of(0.5, 0.5, 0.5))
                .std(List.of(0.25)).scale(1 / 255.0).build();
        assertThat(c.mean()).containsExactly(0.5, 0.5, 0.5);
    }

    @Test
    void shouldRejectBadMeanStdAndScale() {
        assertThatThrownBy(() -> ImageConfig.builder().scaling(Scaling.CUSTOM).mean(List.of(1.0, 2.0)).build())
                .hasMessageContaining("image.mean").hasMessageContaining("1 value").hasMessageContaining("3 values");
        assertThatThrownBy(() -> ImageConfig.builder().scaling(Scaling.CUSTOM).std(List.of(0.0)).build())
                .hasMessageContaining("image.std[0]").hasMessageContaining("> 0");
        assertThatThrownBy(() -> ImageConfig.builder().scaling(Scaling.CUSTOM).scale(Double.NaN).build())
                .hasMessageContaining("image.scale");
        assertThatThrownBy(() -> ImageConfig.builder().scaling(Scaling.IMAGENET).scale(0.5).build())
                .hasMessageContaining("image.scale").hasMessageContaining("raw and custom");
        assertThat(ImageConfig.builder().scaling(Scaling.RAW).scale(0.00392156862745098).build().scale())
                .isEqualTo(0.00392156862745098);
    }

    @Test
    void shouldParseEnumWordsInKebabOrSnakeCase() {
        assertThat(ResizeMode.of("FIT")).isEqualTo(ResizeMode.FIT);
        assertThat(Scaling.of("imagenet")).isEqualTo(Scaling.IMAGENET);
        assertThatThrownBy(() -> Scaling.of("zscore"))
                .hasMessageContaining("unit | symmetric | imagenet | caffe | raw | custom");
    }

    @Test
    void shouldRoundTripThroughBuilder() {
        ImageConfig c = ImageConfig.builder().allowHosts(List.of("a.com")).maxRetries(4).resize(ResizeMode.FIT).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }
}
