package io.embedstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry.* keys added for TLS, bearer tokens and subject naming, loaded as a user gives them. */
class RegistryConfigTest {

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader();

    private static final String MINIMAL = """
            topics:
              input: features
              output: embeddings
            kafka:
              bootstrap.servers: localhost:9092
            model:
              dir: /models/grenade
            """;

    private Path yaml(String registry) throws IOException {
        Path file = dir.resolve("application.yaml");
        Files.writeString(file, MINIMAL + registry);
        return file;
    }

    @Test
    void shouldDefaultToTopicSubjectsPlainAuthAndTheJvmTrustStore() throws IOException {
        RegistryConfig registry = loader.load(yaml("registry:\n  url: http://localhost:8081\n"), Map.of(), Map.of())
                .registry();

        assertThat(registry.subjectNameStrategy()).isEqualTo(SubjectNaming.TOPIC);
        assertThat(registry.bearerToken()).isNull();
        assertThat(registry.basicAuth()).isNull();
        assertThat(registry.ssl().isSet()).isFalse();
        assertThat(registry.ssl().truststore().type()).isEqualTo(StoreType.PKCS12);
        assertThat(registry).isEqualTo(RegistryConfig.of("http://localhost:8081"));
    }

    @Test
    void shouldReadTlsFilesTokenAndStrategyFromTheFile() throws IOException {
        RegistryConfig registry = loader.load(yaml("""
                registry:
                  url: https://registry.example.com:8081
                  bearer-token: eyJhbGciOi.token
                  subject-name-strategy: topic-record
                  ssl:
                    truststore:
                      location: /etc/embedstream/truststore.p12
                      password: trust-secret
                    keystore:
                      location: /etc/embedstream/client.jks
                      password: store-secret
                      type: jks
                    key:
                      password: key-secret
                """), Map.of(), Map.of()).registry();

        assertThat(registry.bearerToken()).isEqualTo("eyJhbGciOi.token");
        assertThat(registry.subjectNameStrategy()).isEqualTo(SubjectNaming.TOPIC_RECORD);
        assertThat(registry.ssl().truststore())
                .isEqualTo(new RegistrySslConfig.Store(Path.of("/etc/embedstream/truststore.p12"), "trust-secret",
                        StoreType.PKCS12));
        assertThat(registry.ssl().keystore())
                .isEqualTo(new RegistrySslConfig.Store(Path.of("/etc/embedstream/client.jks"), "store-secret",
                        StoreType.JKS));
        assertThat(registry.ssl().key().password()).isEqualTo("key-secret");
    }

    @Test
    void shouldReadTheNewKeysFromTheEnvironment() throws IOException {
        RegistryConfig registry = loader.load(yaml("registry:\n  url: https://registry:8081\n"), Map.of(
                "EMBEDSTREAM_REGISTRY_BEARER_TOKEN", "t0k3n",
                "EMBEDSTREAM_REGISTRY_SUBJECT_NAME_STRATEGY", "record",
                "EMBEDSTREAM_REGISTRY_SSL_TRUSTSTORE_LOCATION", "/certs/ca.p12",
                "EMBEDSTREAM_REGISTRY_SSL_TRUSTSTORE_PASSWORD", "changeit",
                "EMBEDSTREAM_REGISTRY_SSL_KEYSTORE_TYPE", "JKS"), Map.of()).registry();

        assertThat(registry.bearerToken()).isEqualTo("t0k3n");
        assertThat(registry.subjectNameStrategy()).isEqualTo(SubjectNaming.RECORD);
        assertThat(registry.ssl().truststore().location()).isEqualTo(Path.of("/certs/ca.p12"));
        assertThat(registry.ssl().truststore().password()).isEqualTo("changeit");
        assertThat(registry.ssl().keystore().type()).isEqualTo(StoreType.JKS);
        assertThat(registry.ssl().keystore().isSet()).isFalse();
    }

    @Test
    void shouldRefuseBasicAuthTogetherWithABearerToken() throws IOException {
        Path file = yaml("""
                registry:
                  url: http://localhost:8081
                  basic-auth: alice:hunter2
                  bearer-token: s3cr3t-token
                """);

        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("registry.basic-auth and registry.bearer-token are both set; set one of them")
                .message().doesNotContain("hunter2").doesNotContain("s3cr3t-token");
        assertThatThrownBy(() -> loader.load(yaml("registry:\n  url: http://bob:pw@localhost:8081\n"), Map.of(),
                Map.of("registry.bearer-token", "s3cr3t-token")))
                .hasMessageStartingWith("registry.bearer-token is set and registry.url carries credentials")
                .message().doesNotContain("s3cr3t-token").doesNotContain("pw@");
    }

    @Test
    void shouldNameTheKeyAndTheChoicesOfABadStrategyOrStoreType() throws IOException {
        Path file = yaml("registry:\n  url: https://localhost:8081\n");

        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of("registry.subject-name-strategy", "topic_name")))
                .hasMessage("registry.subject-name-strategy: 'topic_name' is not valid; allowed: topic | record"
                        + " | topic-record");
        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of("registry.ssl.truststore.type", "PEM")))
                .hasMessage("registry.ssl.truststore.type: 'PEM' is not valid; allowed: PKCS12 | JKS");
        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of("registry.ssl.trustsore.location", "/x")))
                .hasMessage("unknown configuration key 'registry.ssl.trustsore.location'; did you mean"
                        + " 'registry.ssl.truststore.location'?");
    }

    @Test
    void shouldRefuseTlsFilesForAnHttpUrlAndPasswordsWithoutFiles() throws IOException {
        assertThatThrownBy(() -> loader.load(yaml("registry:\n  url: http://localhost:8081\n"), Map.of(),
                Map.of("registry.ssl.truststore.location", "/certs/ca.p12")))
                .hasMessageStartingWith("registry.url: 'http://localhost:8081' is not valid; registry.ssl.truststore"
                        + "/keystore are set, so expected an https:// URL");
        Path https = yaml("registry:\n  url: https://localhost:8081\n");
        assertThatThrownBy(() -> loader.load(https, Map.of(), Map.of("registry.ssl.keystore.password", "pw1")))
                .hasMessageStartingWith("registry.ssl.keystore.password is set but registry.ssl.keystore.location is"
                        + " not")
                .message().doesNotContain("pw1");
        assertThatThrownBy(() -> loader.load(https, Map.of(), Map.of("registry.ssl.key.password", "pw2")))
                .hasMessageStartingWith("registry.ssl.key.password is set but registry.ssl.keystore.location is not")
                .message().doesNotContain("pw2");
    }

    @Test
    void shouldMaskEverySecretInTheStartUpLine() throws IOException {
        AppConfig config = loader.load(yaml("""
                registry:
                  url: https://registry.example.com
                  bearer-token: tok-SECRET-1
                  ssl:
                    truststore:
                      location: /certs/ca.p12
                      password: trust-SECRET-2
                    keystore:
                      location: /certs/client.p12
                      password: store-SECRET-3
                    key:
                      password: key-SECRET-4
                """), Map.of(), Map.of());

        assertThat(config.toString())
                .doesNotContain("SECRET")
                .contains("bearerToken=***", "location=/certs/ca.p12", "location=/certs/client.p12",
                        "key=Key[password=***]", "subjectNameStrategy=topic");
        RegistryConfig withUrlCredentials = new RegistryConfig("http://bob:hunter2@registry:8081", null, true, 10, 0, 0);
        assertThat(withUrlCredentials.toString()).doesNotContain("hunter2").contains("url=http://***@registry:8081");
    }
}
