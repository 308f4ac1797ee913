package io.embedstream.dev.registry;

/** Settings for the JDK's built-in HTTP server, which the in-JVM registry and the bench image server use. */
public final class JdkHttpServers {
    private JdkHttpServers() {}

    /**
     * Turns on TCP_NODELAY for every JDK HTTP server in this JVM, unless the user set the property. The
     * server writes a response's head and body separately, so with Nagle's algorithm every response on a
     * kept-alive connection waits ~40 ms for the client's delayed ACK. The property is read once, when the
     * server classes load, so call this before the first server starts.
     */
    public static void disableNagle() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
}
