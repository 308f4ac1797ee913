package io.embedstream.config;

import java.nio.file.Path;

/**
 * TLS settings for an {@code https://} schema registry, named as Kafka names its own {@code ssl.*} properties.
 * Without a trust store the JVM's default trust store (its {@code cacerts}) decides which servers to trust;
 * the key store is only needed when the registry asks for a client certificate (mutual TLS).
 *
 * @param truststore {@code registry.ssl.truststore.*}: the certificates that may sign the registry's certificate
 * @param keystore   {@code registry.ssl.keystore.*}: this client's certificate and private key, for mutual TLS
 * @param key        {@code registry.ssl.key.*}: the private key's password where it differs from the key store's
 */
public record RegistrySslConfig(Store truststore, Store keystore, Key key) {

    /**
     * A key store or trust store file.
     *
     * @param location the file, or {@code null} for none
     * @param password its password, or {@code null}
     * @param type     its format
     */
    public record Store(Path location, String password, StoreType type) {
        public Store {
            location = location == null || location.toString().isBlank() ? null : location;
            password = Checks.blankToNull(password);
            type = type == null ? StoreType.PKCS12 : type;
        }

        public static Store none() {
            return new Store(null, null, StoreType.PKCS12);
        }

        public boolean isSet() {
            return location != null;
        }

        /** Hides the password. */
        @Override
        public String toString() {
            return location == null ? "none"
                    : "Store[location=" + location + ", password=" + (password == null ? "none" : "***") + ", type="
                            + type + "]";
        }
    }

    /** @param password the private key's password, or {@code null} to use the key store's password */
    public record Key(String password) {
        public Key {
            password = Checks.blankToNull(password);
        }

        /** Hides the password. */
        @Override
        public String toString() {
            return "Key[password=" + (password == null ? "none" : "***") + "]";
        }
    }

    public RegistrySslConfig {
        truststore = truststore == null ? Store.none() : truststore;
        keystore = keystore == null ? Store.none() : keystore;
        key = key == null ? new Key(null) : key;
        requireLocation("registry.ssl.truststore", truststore);
        requireLocation("registry.ssl.keystore", keystore);
        if (key.password() != null && !keystore.isSet()) {
            throw new ConfigException("registry.ssl.key.password is set but registry.ssl.keystore.location is not; "
                    + "the key password belongs to the private key in the key store (the value is not shown)");
        }
    }

    /** No TLS settings: the JVM's defaults apply to an https:// registry. */
    public static RegistrySslConfig none() {
        return new RegistrySslConfig(Store.none(), Store.none(), new Key(null));
    }

    /** Whether a trust store or key store is configured. */
    public boolean isSet() {
        return truststore.isSet() || keystore.isSet();
    }

    private static void requireLocation(String prefix, Store store) {
        if (!store.isSet() && store.password() != null) {
            throw new ConfigException(prefix + ".password is set but " + prefix + ".location is not; "
                    + "set the location of the file too (the value is not shown)");
        }
    }

    /** Hides the passwords. */
    @Override
    public String toString() {
        return isSet() ? "RegistrySslConfig[truststore=" + truststore + ", keystore=" + keystore + ", key=" + key + "]"
                : "none";
    }
}
