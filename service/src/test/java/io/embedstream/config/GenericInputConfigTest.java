package io.embedstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.testing.TestData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys of generic input ({@code input.field}, {@code input.shape}, {@code output.*}) and how they combine. */
class GenericInputConfigTest {

    private final ConfigLoader loader = new ConfigLoader();

    private AppConfig load(String... pairs) {
        Map<String, String> overrides = new LinkedHashMap<>(Map.of("topics.input", "in", "topics.output", "out",
                "kafka.bootstrap.servers", "k:9092", "registry.url", "http://r", "model.dir", "/m"));
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                overrides.remove(pairs[i]);
            } else {
                overrides.put(pairs[i], pairs[i + 1]);
            }
        }
        return loader.load(null, Map.of(), overrides);
    }

    @Test
    void shouldLoadTheShippedProductsExampleConfig() {
        AppConfig config = loader.load(TestData.checkoutFile("config/products.yaml"), Map.of(), Map.of());

        assertThat(config.input().format()).isEqualTo(InputFormat.AVRO);
        assertThat(config.input().field().segments()).containsExactly("media", "image_url");
        assertThat(config.output().field()).isEqualTo("embedding");
        assertThat(config.output().metadataField()).isEqualTo("embedding_meta");
        assertThat(config.output().keyField()).hasToString("id");
        assertThat(config.output().allowSpaceChange()).isFalse();
        assertThat(config.output().formatFor(config.input().format())).isEqualTo(OutputFormat.AVRO);
        assertThat(config.model().layer()).isEqualTo("dense");
    }

    @Test
    void shouldDefaultToTheEmbeddingFieldAndNaturalFormats() {
        AppConfig avro = load("input.format", "avro", "input.field", "features");
        AppConfig json = load("input.format", "json", "input.field", "item.features", "input.shape", "3,4");
        AppConfig fixed = load();

        assertThat(avro.output()).isEqualTo(OutputConfig.defaults());
        assertThat(json.output().formatFor(InputFormat.JSON)).isEqualTo(OutputFormat.JSON);
        assertThat(json.input().shape()).containsExactly(3, 4);
        assertThat(json.input().shapeArray()).containsExactly(3L, 4L);
        assertThat(fixed.input().field()).isNull();
        assertThat(fixed.output().allowSpaceChange()).isFalse();
        assertThat(load("output.allow-space-change", "true").output().allowSpaceChange()).isTrue();
    }

    @Test
    void shouldRequireTheFieldForGenericInputAndRefuseItForTheFixedFormats() {
        assertThatThrownBy(() -> load("input.format", "avro")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("input.field is required with input.format avro but was not set");
        assertThatThrownBy(() -> load("input.field", "features")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("input.field: 'features' is not valid; input.field is only used with"
                        + " input.format avro or json");
        assertThatThrownBy(() -> load("input.format", "image-reference", "input.shape", "28,28,1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("input.shape: '[28, 28, 1]' is not valid; input.shape is only used with");
        assertThatThrownBy(() -> load("output.metadata-field", "meta")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("output.metadata-field: 'meta' is not valid; output.metadata-field is only"
                        + " used with input.format avro or json");
        assertThatThrownBy(() -> load("input.format", "image-reference", "output.key-field", "id"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("output.key-field: 'id' is not valid");
    }

    @Test
    void shouldRejectBadPathsNamesShapesAndFormats() {
        assertThatThrownBy(() -> load("input.format", "json", "input.field", "media..url"))
                .isInstanceOf(ConfigException.class).hasMessage("input.field: 'media..url' is not valid; expected"
                        + " field names separated by dots, e.g. media.image_url (no empty names, no white space)");
        assertThatThrownBy(() -> load("input.format", "avro", "input.field", "media.image-url"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("input.field: 'media.image-url' is not"
                        + " valid; with input.format avro every name of the path must be an Avro field name");
        assertThat(load("input.format", "json", "input.field", "media.image-url").input().field().segments())
                .containsExactly("media", "image-url");
        assertThatThrownBy(() -> load("input.format", "avro", "input.field", "f", "output.field", "1st"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("output.field: '1st' is not valid;");
        assertThatThrownBy(() -> load("input.format", "avro", "input.field", "f", "output.metadata-field",
                "embedding")).isInstanceOf(ConfigException.class)
                .hasMessage("output.metadata-field: 'embedding' is not valid; it must differ from output.field"
                        + " ('embedding')");
        assertThatThrownBy(() -> load("input.format", "json", "input.field", "f", "input.shape", "28,0,1"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("input.shape[1]: '0' is not valid;");
        assertThatThrownBy(() -> load("input.format", "avro", "input.field", "f", "output.format", "json"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("output.format: 'json' is not valid;"
                        + " allowed with input.format avro: avro");
        assertThatThrownBy(() -> load("input.format", "json", "input.field", "f", "output.format", "xml"))
                .isInstanceOf(ConfigException.class).hasMessage("output.format: 'xml' is not valid; allowed: json | avro");
        assertThatThrownBy(() -> load("input.format", "avro", "input.field", "f",
                "registry.subject-name-strategy", "record")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("registry.subject-name-strategy: 'record' is not valid; allowed with"
                        + " input.format avro: topic | topic-record.");
    }

    @Test
    void shouldNeedNoRegistryForJsonInWithJsonOut() {
        AppConfig json = load("registry.url", null, "input.format", "json", "input.field", "f");

        assertThat(json.registry().url()).isNull();
        assertThat(AppConfig.needsRegistry(json.input(), json.output())).isFalse();
        assertThatThrownBy(() -> load("registry.url", null, "input.format", "json", "input.field", "f",
                "output.format", "avro")).isInstanceOf(ConfigException.class)
                .hasMessage("registry.url is required but was not set");
        assertThatThrownBy(() -> load("registry.url", null)).isInstanceOf(ConfigException.class)
                .hasMessage("registry.url is required but was not set");
    }

    @Test
    void shouldListTheNewFormatsAmongTheAllowedInputFormats() {
        assertThatThrownBy(() -> load("input.format", "protobuf")).isInstanceOf(ConfigException.class)
                .hasMessage("input.format: 'protobuf' is not valid; allowed: feature-vector | image-reference | avro"
                        + " | json");
        assertThat(List.of(InputFormat.AVRO.isGeneric(), InputFormat.JSON.isGeneric(),
                InputFormat.FEATURE_VECTOR.isGeneric())).containsExactly(true, true, false);
    }
}
