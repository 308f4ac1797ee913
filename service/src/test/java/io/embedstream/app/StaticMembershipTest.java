package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigException;
import io.embedstream.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticMembershipTest {

    @TempDir
    Path state;

    private AppConfig config(Map<String, String> extra) {
        Map<String, String> overrides = new LinkedHashMap<>(Map.of("topics.input", "in", "topics.output", "out",
                "kafka.bootstrap.servers", "k:9092", "registry.url", "http://r", "model.dir", "/m",
                "kafka.state.dir", state.toString()));
        overrides.putAll(extra);
        return new ConfigLoader().load(null, Map.of(), overrides);
    }

    private Properties configure(AppConfig config, String host) {
        Properties props = StreamsSettings.of(config);
        try (InstanceSlot slot = InstanceSlot.acquire(StaticMembership.configuredStateDir(props), config.applicationId())) {
            StaticMembership.configure(props, config, slot, host);
        }
        return props;
    }

    @Test
    void shouldDeriveAStableInstanceIdFromHostStateDirectoryAndSlot() {
        Properties first = configure(config(Map.of()), "Worker-7.example.com");
        Properties again = configure(config(Map.of()), "Worker-7.example.com");

        String id = first.getProperty("main.consumer.group.instance.id");
        assertThat(id).matches("worker-7\\.example\\.com-[0-9a-f]{6}-0");
        assertThat(again.getProperty("main.consumer.group.instance.id")).isEqualTo(id);
        assertThat(first.getProperty("state.dir")).isEqualTo(state.resolve("instance-0").toString());
        assertThat(first.getProperty("main.consumer.session.timeout.ms")).isEqualTo("60000");
    }

    @Test
    void shouldGiveASecondInstanceOnTheHostItsOwnIdAndStateDirectory() {
        AppConfig config = config(Map.of());
        Properties props = StreamsSettings.of(config);
        try (InstanceSlot first = InstanceSlot.acquire(state, "embedstream")) {
            String firstId = StaticMembership.configure(props, config, first, "host");
            Properties second = configure(config, "host");
            assertThat(second.getProperty("main.consumer.group.instance.id")).isNotEqualTo(firstId).endsWith("-1");
            assertThat(second.getProperty("state.dir")).isEqualTo(state.resolve("instance-1").toString());
        }
    }

    @Test
    void shouldKeepInstancesWithDifferentStateDirectoriesApart() {
        assertThat(StaticMembership.defaultId("host", Path.of("/var/lib/a"), 0))
                .isNotEqualTo(StaticMembership.defaultId("host", Path.of("/var/lib/b"), 0));
    }

    @Test
    void shouldUseTheConfiguredIdAndTheUsersKafkaSettings() {
        Properties configured = configure(config(Map.of("processing.group-instance-id", "embed-a")), "host");
        assertThat(configured.getProperty("main.consumer.group.instance.id")).isEqualTo("embed-a");

        Properties user = configure(config(Map.of("kafka.main.consumer.group.instance.id", "mine",
                "kafka.session.timeout.ms", "10000")), "host");
        assertThat(user.getProperty("main.consumer.group.instance.id")).isEqualTo("mine");
        assertThat(user.getProperty("session.timeout.ms")).isEqualTo("10000");
        assertThat(user).doesNotContainKey("main.consumer.session.timeout.ms");
    }

    @Test
    void shouldRefuseAnInstanceIdKafkaWouldRefuse() {
        assertThatThrownBy(() -> config(Map.of("processing.group-instance-id", "a b")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processing.group-instance-id")
                .hasMessageContaining("'a b'");
    }

    @Test
    void shouldPreferTheHostNameFromTheEnvironment() {
        assertThat(StaticMembership.hostName(Map.of("HOSTNAME", "pod-3"))).isEqualTo("pod-3");
        assertThat(StaticMembership.hostName(Map.of())).isNotBlank();
    }
}
