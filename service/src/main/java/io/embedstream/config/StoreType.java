package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * The file format of a key store or trust store. The JDK opens either format with either type
 * ({@code keystore.type.compat}), but the type is still checked so that a typo fails at start-up.
 */
public enum StoreType {
    PKCS12, JKS;

    @JsonCreator
    public static StoreType of(String value) {
        return Choices.parse(StoreType.class, value);
    }

    /** The name {@link java.security.KeyStore#getInstance(String)} takes. */
    @Override
    public String toString() {
        return name();
    }
}
