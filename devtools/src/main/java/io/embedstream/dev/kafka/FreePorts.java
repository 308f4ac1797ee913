package io.embedstream.dev.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks TCP ports that are free at the time of the call, by letting the OS choose one for a
 * briefly bound socket. Another process could take the port before the broker binds it; that
 * window is milliseconds and acceptable for a test and demo broker.
 */
final class FreePorts {
    private FreePorts() {
    }

    /** A port that nothing listened on at {@code host} a moment ago. */
    static int pick(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free TCP port on " + host, e);
        }
    }
}
