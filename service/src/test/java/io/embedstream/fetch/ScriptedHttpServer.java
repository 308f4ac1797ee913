package io.embedstream.fetch;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 that answers every request head with bytes written by the test, byte for byte, so
 * that tests can send what a well-behaved HTTP server would not (huge headers, broken chunks, a truncated body).
 * Keeps a connection open for further requests unless the answer says {@code Connection: close} or the script
 * returns null (then it closes without answering). Counts connections and requests.
 */
final class ScriptedHttpServer implements AutoCloseable {

    @FunctionalInterface
    interface Script {
        /**
         * @param requestHead the request line and headers, with CRLFs
         * @param nth         1 for the first request on this connection, 2 for the next, ...
         * @return the raw answer to write, or null to close the connection without one
         */
        byte[] answer(String requestHead, int nth) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ScriptedHttpServer(Script script) {
        this.script = script;
        try {
            server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::acceptLoop);
    }

    /** An answer from a status line, header lines and a body, with CRLFs put in. */
    static byte[] answer(String statusAndHeaders, byte[] body) {
        byte[] head = (statusAndHeaders.replace("\n", "\r\n") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String host, String path) {
        return "http://" + host + ":" + port() + path;
    }

    int connections() {
        return connections.get();
    }

    List<String> requestHeads() {
        return List.copyOf(requestHeads);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                sockets.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int nth = 1; ; nth++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                requestHeads.add(head);
                byte[] answer = script.answer(head, nth);
                if (answer == null) {
                    return;
                }
                out.write(answer);
                out.flush();
                if (new String(answer, StandardCharsets.ISO_8859_1).toLowerCase().contains("\r\nconnection: close\r\n")) {
                    return;
                }
            }
        } catch (Exception e) {
            // the client went away, or the test is over
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            head.write(c);
            String s = head.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
        threads.shutdownNow();
    }
}
