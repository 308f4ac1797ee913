package io.embedstream.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with the address pinned: the socket goes to the vetted address, while SNI and the certificate check use
 * the host name. The certificate (for images.test) is made by the JDK's keytool at test time.
 */
class ImageFetcherHttpsTest {
    private static final byte[] IMAGE = {4, 2};
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path tmp;
    private static HttpsServer server;
    private static SSLContext clientTls;
    private static final List<String> sniNames = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        Path keystore = tmp.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "img", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=images.test", "-ext", "SAN=dns:images.test", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass",
                "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("keytool: %s", out).isTrue();

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);

        Certificate cert = ks.getCertificate("img");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("img", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = serverTls.getDefaultSSLParameters();
                ssl.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sniNames.add(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, IMAGE.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(IMAGE);
            }
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    private static ImageFetcher fetcher(String host, SSLContext tls) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        return new ImageFetcher(ImageConfig.builder().allowHosts(List.of(host)).maxRetries(0).build(),
                h -> List.of(loopback), tls);
    }

    private static String url(String host) {
        return "https://" + host + ":" + server.getAddress().getPort() + "/a.png";
    }

    @Test
    void shouldFetchOverHttpsWithSniAndCertificateCheckedAgainstTheHostName() throws Exception {
        sniNames.clear();
        try (ImageFetcher fetcher = fetcher("images.test", clientTls)) {
            FetchResult result = fetcher.fetch(ImageRequest.of("1", url("images.test")));
            assertThat(result).as("%s", result).isInstanceOf(FetchResult.Fetched.class);
            assertThat(((FetchResult.Fetched) result).bytes()).isEqualTo(IMAGE);
        }
        assertThat(sniNames).containsExactly("images.test");
    }

    @Test
    void shouldRefuseCertificateForAnotherName() throws Exception {
        try (ImageFetcher fetcher = fetcher("other.test", clientTls)) {
            FetchResult result = fetcher.fetch(ImageRequest.of("1", url("other.test")));
            ImageFailure f = ((FetchResult.Failed) result).failure();
            assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
            assertThat(f.message()).contains("TLS with other.test failed").contains("certificate valid for other.test");
        }
    }

    @Test
    void shouldRefuseUntrustedCertificate() throws Exception {
        try (ImageFetcher fetcher = fetcher("images.test", SSLContext.getDefault())) {
            FetchResult result = fetcher.fetch(ImageRequest.of("1", url("images.test")));
            assertThat(((FetchResult.Failed) result).failure().reason()).isEqualTo(FailureReason.IO_ERROR);
        }
    }

    @Test
    void shouldCountAStalledTlsHandshakeAgainstTheReadTimeout() throws Exception {
        // The kernel accepts the connection (backlog), but nobody ever answers the ClientHello.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            try (ImageFetcher fetcher = new ImageFetcher(ImageConfig.builder().allowHosts(List.of("images.test"))
                    .connectTimeoutMs(1_000).readTimeoutMs(400).maxRetries(0).build(), h -> List.of(loopback), clientTls)) {
                long start = System.nanoTime();
                FetchResult result = fetcher.fetch(ImageRequest.of("1",
                        "https://images.test:" + silent.getLocalPort() + "/a.png"));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                ImageFailure f = ((FetchResult.Failed) result).failure();
                assertThat(f.reason()).isEqualTo(FailureReason.TIMEOUT);
                assertThat(f.message()).contains("images.test").contains("image.read-timeout-ms=400");
                assertThat(ms).isBetween(350L, 1_500L);
            }
        }
    }
}
