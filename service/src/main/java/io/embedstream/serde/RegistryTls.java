package io.embedstream.serde;

import io.embedstream.config.ConfigException;
import io.embedstream.config.RegistrySslConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the {@link SSLContext} for the registry client from {@code registry.ssl.*}: the trust store decides
 * which server certificates are trusted (the JVM's default trust store when none is set), the key store
 * supplies the client certificate for mutual TLS. Problems with the files are {@link ConfigException}s that
 * name the key, the file and the cause, never a password. Host names are always verified.
 *
 * <p>Stateless; the returned context is immutable and thread-safe.
 */
final class RegistryTls {
    private RegistryTls() {}

    /** The context for {@code ssl}, or {@code null} when nothing is configured (the JVM's default applies). */
    static SSLContext context(RegistrySslConfig ssl) {
        if (!ssl.isSet()) {
            return null;
        }
        TrustManager[] trust = null;
        if (ssl.truststore().isSet()) {
            KeyStore store = load("registry.ssl.truststore", ssl.truststore());
            requireEntries("registry.ssl.truststore", ssl.truststore(), store, false);
            try {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            } catch (GeneralSecurityException e) {
                throw new ConfigException("registry.ssl.truststore.location: '" + ssl.truststore().location()
                        + "' cannot be used as a trust store: " + e.getMessage(), e);
            }
        }
        KeyManager[] keys = null;
        if (ssl.keystore().isSet()) {
            KeyStore store = load("registry.ssl.keystore", ssl.keystore());
            requireEntries("registry.ssl.keystore", ssl.keystore(), store, true);
            String keyPassword = ssl.key().password() != null ? ssl.key().password() : ssl.keystore().password();
            try {
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, chars(keyPassword));
                keys = factory.getKeyManagers();
            } catch (UnrecoverableKeyException e) {
                throw new ConfigException("registry.ssl.key.password: the private key in '" + ssl.keystore().location()
                        + "' cannot be recovered with the " + (ssl.key().password() != null ? "key" : "keystore")
                        + " password (" + e.getMessage() + "); set registry.ssl.key.password if the key has a"
                        + " password of its own", e);
            } catch (GeneralSecurityException e) {
                throw new ConfigException("registry.ssl.keystore.location: '" + ssl.keystore().location()
                        + "' cannot be used as a key store: " + e.getMessage(), e);
            }
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String prefix, RegistrySslConfig.Store config) {
        KeyStore store;
        try {
            store = KeyStore.getInstance(config.type().toString());
        } catch (KeyStoreException e) {
            throw new ConfigException(prefix + ".type: '" + config.type() + "' is not supported by this JVM", e);
        }
        try (InputStream in = Files.newInputStream(config.location())) {
            store.load(in, chars(config.password()));
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(prefix + ".password: '" + config.location() + "' cannot be opened with the "
                        + (config.password() == null ? "empty password (" + prefix + ".password is not set)"
                                : "configured password (the value is not shown)"), e);
            }
            throw new ConfigException(prefix + ".location: '" + config.location() + "' cannot be read as a "
                    + config.type() + " file: " + describe(e), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(prefix + ".location: '" + config.location() + "' cannot be read as a "
                    + config.type() + " file: " + describe(e), e);
        }
    }

    private static void requireEntries(String prefix, RegistrySslConfig.Store config, KeyStore store,
            boolean privateKey) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (privateKey ? store.isKeyEntry(alias) : store.isCertificateEntry(alias) || store.isKeyEntry(alias)) {
                    return;
                }
            }
        } catch (KeyStoreException e) {
            throw new IllegalStateException("a loaded key store refused to list its entries", e);
        }
        throw new ConfigException(prefix + ".location: '" + config.location() + "' holds no "
                + (privateKey ? "private key (a client certificate with its key is needed for mutual TLS)"
                        : "certificates"));
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
