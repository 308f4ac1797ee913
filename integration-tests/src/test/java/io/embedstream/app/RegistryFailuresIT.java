package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A registry that is not there, or that takes connections and never answers, stops {@code run} at start-up with
 * one line that names the URL (exit 1), before the model is loaded or a record consumed.
 */
class RegistryFailuresIT {

    private record Outcome(int exit, String err) {}

    private static Outcome run(String registryUrl, String... extra) {
        String input = TestTopics.unique("reg-in");
        String output = TestTopics.unique("reg-out");
        SharedKafka.broker().createTopics(1, input, output, input + ".dlq");
        List<String> args = new ArrayList<>(List.of("run",
                "--set", "topics.input=" + input, "--set", "topics.output=" + output,
                "--set", "kafka.bootstrap.servers=" + SharedKafka.broker().bootstrapServers(),
                "--set", "registry.url=" + registryUrl, "--set", "model.dir=" + TestData.model("grenade-mlp"),
                "--set", "ops.enabled=false"));
        for (String e : extra) {
            args.add("--set");
            args.add(e);
        }
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        return new Outcome(exit, err.toString());
    }

    @Test
    void shouldNameTheUrlWhenNoRegistryListens() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Outcome o = run("http://127.0.0.1:" + port + "/apis/ccompat/v7", "registry.max-retries=1",
                "registry.retry-backoff-ms=10");
        assertThat(o.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(o.err()).startsWith("embedstream: Schema registry POST http://127.0.0.1:" + port
                + "/apis/ccompat/v7/subjects/").contains("failed after 2 attempt(s): connection refused")
                .doesNotContain("\tat ");
        assertThat(o.err().lines()).hasSize(1);
    }

    @Test
    void shouldNameTheUrlAndTheTimeoutWhenTheRegistryNeverAnswers() throws Exception {
        List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(stalled.accept()); // accepts, reads nothing, answers nothing
                    }
                } catch (Exception e) {
                    // closed
                }
            }, "stalled-registry");
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + stalled.getLocalPort();
            Outcome o = run(url, "registry.timeout-ms=700", "registry.max-retries=0");
            assertThat(o.exit()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(o.err()).startsWith("embedstream: Schema registry POST " + url + "/subjects/")
                    .contains("failed after 1 attempt(s): no answer within 700 ms (registry.timeout-ms): the registry "
                            + "took the connection but did not respond")
                    .doesNotContain("\tat ");
            assertThat(held).as("the service did connect").isNotEmpty();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
