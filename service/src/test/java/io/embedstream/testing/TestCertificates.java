package io.embedstream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for TLS tests, made at test time by the JDK's own {@code keytool} (no internal JDK
 * classes, nothing committed): key stores and trust stores as files, as a user would configure them.
 * Not thread-safe; call from a test's set-up.
 */
public final class TestCertificates {

    private final Path dir;

    /** @param dir where the files go (a test's temporary folder) */
    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * A PKCS12 key store holding a new EC key pair and its self-signed certificate.
     *
     * @param san the subjectAltName extension, e.g. {@code ip:127.0.0.1,dns:localhost}
     */
    public Path keyStore(String name, String commonName, String san, String password) {
        Path file = dir.resolve(name + ".p12");
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + commonName, "-validity", "2", "-keystore", file.toString(),
                "-storetype", "PKCS12", "-storepass", password, "-keypass", password));
        if (san != null) {
            args.addAll(List.of("-ext", "SAN=" + san));
        }
        keytool(args);
        return file;
    }

    /** A JKS key store whose private key has a password of its own, different from the store's. */
    public Path jksKeyStore(String name, String commonName, String storePassword, String keyPassword) {
        Path file = dir.resolve(name + ".jks");
        keytool(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + commonName, "-validity", "2", "-keystore", file.toString(), "-storetype", "JKS",
                "-storepass", storePassword, "-keypass", keyPassword));
        return file;
    }

    /** A PKCS12 trust store that holds the certificate of {@code alias} in {@code keyStore}. */
    public Path trustStoreFor(Path keyStore, String alias, String keyStorePassword, String name, String password) {
        Path cert = dir.resolve(alias + ".crt");
        keytool(List.of("-exportcert", "-rfc", "-alias", alias, "-keystore", keyStore.toString(), "-storepass",
                keyStorePassword, "-file", cert.toString()));
        Path file = dir.resolve(name + ".p12");
        keytool(List.of("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-keystore",
                file.toString(), "-storetype", "PKCS12", "-storepass", password));
        return file;
    }

    /**
     * A server-side context: presents {@code keyStore}'s certificate and, when {@code trustStore} is given,
     * trusts the client certificates in it.
     */
    public static SSLContext serverContext(Path keyStore, String password, Path trustStore, String trustPassword) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keyStore, password), password.toCharArray());
            TrustManagerFactory trust = null;
            if (trustStore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(trustStore, trustPassword));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(Path file, String password) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return store;
    }

    private static void keytool(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
