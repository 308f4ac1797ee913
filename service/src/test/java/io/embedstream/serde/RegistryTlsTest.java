package io.embedstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.embedstream.config.ConfigException;
import io.embedstream.config.RegistryConfig;
import io.embedstream.config.RegistrySslConfig;
import io.embedstream.config.RegistrySslConfig.Store;
import io.embedstream.config.StoreType;
import io.embedstream.config.SubjectNaming;
import io.embedstream.testing.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client over real TLS: the JDK's {@link HttpsServer} with certificates that {@code keytool} makes
 * at test time, once with server authentication only and once requiring a client certificate (mutual TLS).
 * The client is configured through {@code registry.ssl.*} files, as a user configures it.
 */
class RegistryTlsTest {
    private static final String SERVER_PASSWORD = "server-pw";
    private static final String TRUST_PASSWORD = "trust-pw";
    private static final String CLIENT_PASSWORD = "client-pw";

    @TempDir
    static Path tmp;

    private static Path clientTruststore;
    private static Path clientKeystore;
    private static Path jksKeystore;
    private static Registry serverAuthOnly;
    private static Registry mutualTls;

    /** An HTTPS server that answers {@code GET /subjects} and records who connected. */
    private record Registry(HttpsServer server, ExecutorService executor, List<String> clients) {
        static Registry start(SSLContext tls, boolean needClientAuth) throws IOException {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    var parameters = tls.getDefaultSSLParameters();
                    parameters.setNeedClientAuth(needClientAuth);
                    params.setSSLParameters(parameters);
                }
            });
            List<String> clients = new CopyOnWriteArrayList<>();
            server.createContext("/", exchange -> {
                try (exchange) {
                    String client;
                    try {
                        client = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
                                .getSubjectX500Principal().getName();
                    } catch (SSLPeerUnverifiedException e) {
                        client = "anonymous";
                    }
                    clients.add(client + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
                    byte[] body = "[\"grenade-embeddings-value\"]".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", RegistryHttp.CONTENT_TYPE);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            ExecutorService executor = Executors.newCachedThreadPool();
            server.setExecutor(executor);
            server.start();
            return new Registry(server, executor, clients);
        }

        String url() {
            return "https://127.0.0.1:" + server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @BeforeAll
    static void makeCertificatesAndStartServers() throws IOException {
        TestCertificates certificates = new TestCertificates(tmp);
        Path serverKeystore = certificates.keyStore("registry", "registry.test", "ip:127.0.0.1,dns:localhost",
                SERVER_PASSWORD);
        clientTruststore = certificates.trustStoreFor(serverKeystore, "registry", SERVER_PASSWORD, "client-trust",
                TRUST_PASSWORD);
        clientKeystore = certificates.keyStore("embedstream", "embedstream-client", null, CLIENT_PASSWORD);
        jksKeystore = certificates.jksKeyStore("legacy", "legacy-client", "jks-store-pw", "jks-key-pw");
        Path serverTruststore = certificates.trustStoreFor(clientKeystore, "embedstream", CLIENT_PASSWORD,
                "server-trust", TRUST_PASSWORD);
        certificates.trustStoreFor(jksKeystore, "legacy", "jks-store-pw", "server-trust", TRUST_PASSWORD);

        serverAuthOnly = Registry.start(TestCertificates.serverContext(serverKeystore, SERVER_PASSWORD, null, null),
                false);
        mutualTls = Registry.start(TestCertificates.serverContext(serverKeystore, SERVER_PASSWORD, serverTruststore,
                TRUST_PASSWORD), true);
    }

    @AfterAll
    static void stopServers() {
        serverAuthOnly.stop();
        mutualTls.stop();
    }

    private static RegistryConfig config(String url, Store truststore, Store keystore, String keyPassword) {
        return new RegistryConfig(url, null, null, SubjectNaming.TOPIC, true, 5_000, 3, 10,
                new RegistrySslConfig(truststore, keystore, new RegistrySslConfig.Key(keyPassword)));
    }

    private static Store truststore() {
        return new Store(clientTruststore, TRUST_PASSWORD, StoreType.PKCS12);
    }

    @Test
    void shouldTrustTheRegistryThroughTheConfiguredTruststore() {
        SchemaRegistryClient client = new SchemaRegistryClient(config(serverAuthOnly.url(), truststore(), null, null));

        assertThat(client.subjects()).containsExactly("grenade-embeddings-value");
        assertThat(serverAuthOnly.clients()).contains("anonymous GET /subjects");
    }

    @Test
    void shouldRefuseARegistryWhoseCertificateTheTrustStoreDoesNotVouchFor() {
        int before = serverAuthOnly.clients().size();
        SchemaRegistryClient jvmDefaults = new SchemaRegistryClient(new RegistryConfig(serverAuthOnly.url(), null, true,
                5_000, 3, 10));

        assertThatThrownBy(jvmDefaults::subjects)
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("Schema registry GET " + serverAuthOnly.url() + "/subjects failed: the TLS"
                        + " handshake failed (SSLHandshakeException: PKIX path building failed")
                .hasMessageContaining("check registry.ssl.truststore.*")
                .message().doesNotContain("attempt");
        assertThat(serverAuthOnly.clients()).hasSize(before);
    }

    @Test
    void shouldPresentTheClientCertificateToARegistryThatRequiresOne() {
        SchemaRegistryClient client = new SchemaRegistryClient(config(mutualTls.url(), truststore(),
                new Store(clientKeystore, CLIENT_PASSWORD, StoreType.PKCS12), null));

        assertThat(client.subjects()).containsExactly("grenade-embeddings-value");
        assertThat(mutualTls.clients()).contains("CN=embedstream-client GET /subjects");
    }

    @Test
    void shouldOpenAJksKeystoreWhosePrivateKeyHasItsOwnPassword() {
        SchemaRegistryClient client = new SchemaRegistryClient(config(mutualTls.url(), truststore(),
                new Store(jksKeystore, "jks-store-pw", StoreType.JKS), "jks-key-pw"));

        assertThat(client.subjects()).containsExactly("grenade-embeddings-value");
        assertThat(mutualTls.clients()).contains("CN=legacy-client GET /subjects");
    }

    @Test
    void shouldFailWithoutAClientCertificateWhenTheRegistryRequiresOne() {
        SchemaRegistryClient client = new SchemaRegistryClient(config(mutualTls.url(), truststore(), null, null));

        assertThatThrownBy(client::subjects)
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("Schema registry GET " + mutualTls.url() + "/subjects failed")
                // Over TLS 1.3 the refusal usually arrives as a closed connection after the request, rarely as an alert.
                .hasMessageContaining("registry.ssl.keystore.*");
        assertThat(mutualTls.clients()).noneMatch(c -> c.startsWith("anonymous"));
    }

    @Test
    void shouldNameTheKeyAndFileWhenAStoreCannotBeUsed() {
        String url = serverAuthOnly.url();
        assertThatThrownBy(() -> new SchemaRegistryClient(config(url,
                new Store(clientTruststore, "wrong-password", StoreType.PKCS12), null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("registry.ssl.truststore.password: '" + clientTruststore + "' cannot be opened with the"
                        + " configured password (the value is not shown)");
        Path missing = tmp.resolve("missing.p12");
        assertThatThrownBy(() -> new SchemaRegistryClient(config(url,
                new Store(missing, TRUST_PASSWORD, StoreType.PKCS12), null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("registry.ssl.truststore.location: '" + missing + "' cannot be read as a PKCS12"
                        + " file: NoSuchFileException");
        assertThatThrownBy(() -> new SchemaRegistryClient(config(url, truststore(), truststore(), null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("registry.ssl.keystore.location: '" + clientTruststore + "' holds no private"
                        + " key");
        assertThatThrownBy(() -> new SchemaRegistryClient(config(url, truststore(),
                new Store(jksKeystore, "jks-store-pw", StoreType.JKS), null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("registry.ssl.key.password: the private key in '" + jksKeystore + "' cannot be"
                        + " recovered with the keystore password")
                .message().doesNotContain("jks-store-pw").doesNotContain("jks-key-pw");
    }
}
