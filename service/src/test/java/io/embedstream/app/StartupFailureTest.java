package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * Start-up failures that need no broker, through the command line as a user calls it: one line that names the
 * cause, no stack trace, and the documented exit status (2 configuration, 1 run time).
 */
class StartupFailureTest {

    private record Outcome(int exit, String out, String err) {}

    private static Outcome run(String... sets) {
        String[] args = new String[1 + 2 * (sets.length + 5)];
        String[] base = {"topics.input=in", "topics.output=out", "registry.url=http://127.0.0.1:9/",
                "model.dir=/nonexistent-model", "ops.enabled=false"};
        int i = 0;
        args[i++] = "run";
        for (String s : base) {
            args[i++] = "--set";
            args[i++] = s;
        }
        for (String s : sets) {
            args[i++] = "--set";
            args[i++] = s;
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldNameTheBootstrapServersAndTheWaitWhenTheBrokerIsUnreachable() throws Exception {
        String servers = "127.0.0.1:" + closedPort();
        Outcome o = run("kafka.bootstrap.servers=" + servers, "kafka.default.api.timeout.ms=1500");
        assertThat(o.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(o.err()).startsWith("embedstream: cannot reach Kafka at kafka.bootstrap.servers=" + servers
                + ": no answer within 1.5 s (kafka.default.api.timeout.ms)")
                .doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(o.err().lines()).hasSize(1);
    }

    @Test
    void shouldExitWithTwoNamingKeyAndAllowedValuesForABadEnum() {
        Outcome o = run("kafka.bootstrap.servers=127.0.0.1:9", "input.format=feature-vectors");
        assertThat(o.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).isEqualTo("embedstream: input.format: 'feature-vectors' is not valid; allowed: "
                + "feature-vector | image-reference | avro | json" + System.lineSeparator());
    }

    @Test
    void shouldExitWithTwoWhenTheOpsPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome o = run("kafka.bootstrap.servers=127.0.0.1:9", "ops.enabled=true", "ops.bind-address=127.0.0.1",
                    "ops.port=" + taken.getLocalPort());
            assertThat(o.exit()).isEqualTo(Main.EXIT_USAGE);
            assertThat(o.err()).startsWith("embedstream: ops.port: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
