package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import io.embedstream.config.SessionMode;
import io.embedstream.model.runtime.SessionSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

/** Thread and device settings, without loading TensorFlow. */
class SessionSettingsTest {

    private static ModelConfig config(SessionMode mode, int intra, int inter) {
        return ModelConfig.builder().dir(Path.of("m")).sessions(mode).intraOpThreads(intra).interOpThreads(inter).build();
    }

    @Test
    void shouldSplitCoresBetweenPerThreadSessions() {
        int cores = Runtime.getRuntime().availableProcessors();
        SessionSettings s = ModelLoader.settings(config(SessionMode.PER_THREAD, 0, 0), 2, false);
        assertThat(s.intraOpThreads()).isEqualTo(Math.max(1, cores / 2));
        assertThat(s.perSessionThreads()).isTrue();
        assertThat(ModelLoader.settings(config(SessionMode.PER_THREAD, 0, 0), 64, false).intraOpThreads()).isEqualTo(1);
    }

    @Test
    void shouldGiveASharedSessionAllCoresAndKeepExplicitCounts() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(ModelLoader.settings(config(SessionMode.SHARED, 0, 0), 4, false).intraOpThreads()).isEqualTo(cores);
        SessionSettings explicit = ModelLoader.settings(config(SessionMode.SHARED, 3, 2), 4, false);
        assertThat(explicit.intraOpThreads()).isEqualTo(3);
        assertThat(explicit.interOpThreads()).isEqualTo(2);
        assertThat(explicit.perSessionThreads()).isFalse();
    }

    @Test
    void shouldHideGpusOnCpuAndGrowMemoryOnGpu() {
        ConfigProto cpu = new SessionSettings(2, 0, false, true).toConfigProto();
        assertThat(cpu.getDeviceCountMap()).containsEntry("GPU", 0);
        assertThat(cpu.getIntraOpParallelismThreads()).isEqualTo(2);
        assertThat(cpu.getUsePerSessionThreads()).isTrue();
        ConfigProto gpu = new SessionSettings(2, 1, true, false).toConfigProto();
        assertThat(gpu.getDeviceCountMap()).doesNotContainKey("GPU");
        assertThat(gpu.getGpuOptions().getAllowGrowth()).isTrue();
        assertThat(gpu.getInterOpParallelismThreads()).isEqualTo(1);
    }
}
