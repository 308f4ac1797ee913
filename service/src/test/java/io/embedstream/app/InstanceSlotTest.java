package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceSlotTest {

    @TempDir
    Path state;

    @Test
    void shouldTakeTheLowestFreeSlotAndGiveItBackOnClose() {
        try (InstanceSlot first = InstanceSlot.acquire(state, "app")) {
            assertThat(first.index()).isZero();
            assertThat(first.stateDir()).isEqualTo(state.resolve("instance-0"));
            try (InstanceSlot second = InstanceSlot.acquire(state, "app");
                    InstanceSlot otherApp = InstanceSlot.acquire(state, "other-app")) {
                assertThat(second.index()).isEqualTo(1);
                assertThat(otherApp.index()).as("slots are per application").isZero();
            }
        }
        try (InstanceSlot again = InstanceSlot.acquire(state, "app")) {
            assertThat(again.index()).isZero();
        }
    }

    @Test
    void shouldGetTheSlotOfAProcessKilledWithSigkill() throws Exception {
        // Another JVM holds slot 0, as a running instance would; SIGKILL releases its lock at once.
        Path holder = state.resolve("Holder.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Holder {
                    public static void main(String[] a) throws Exception {
                        Path dir = Path.of(a[0]);
                        Files.createDirectories(dir);
                        FileChannel c = FileChannel.open(dir.resolve("app.lock"), StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                        c.lock();
                        System.out.println("locked");
                        System.out.flush();
                        Thread.sleep(600_000);
                    }
                }
                """);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                holder.toString(), state.resolve("instance-0").toString()).redirectErrorStream(true).start();
        try {
            assertThat(new String(process.getInputStream().readNBytes(6))).isEqualTo("locked");
            try (InstanceSlot whileHeld = InstanceSlot.acquire(state, "app")) {
                assertThat(whileHeld.index()).isEqualTo(1);
            }
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (InstanceSlot afterKill = InstanceSlot.acquire(state, "app")) {
                assertThat(afterKill.index()).isZero();
            }
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldNameTheStateDirectoryWhenItCannotBeWritten() throws Exception {
        Path file = Files.writeString(state.resolve("not-a-directory"), "x");
        assertThatThrownBy(() -> InstanceSlot.acquire(file, "app")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.state.dir").hasMessageContaining("not-a-directory");
    }
}
