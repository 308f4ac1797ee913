package io.embedstream.serde;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificFixed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Tells Avro's {@link ClassSecurityValidator} to trust our generated classes.
 *
 * <p>Since Avro 1.11.4/1.12 a {@code SpecificDatumReader} only instantiates classes that the global
 * validator trusts (java.lang and java.math by default, plus system properties
 * {@code org.apache.avro.SERIALIZABLE_CLASSES}/{@code _PACKAGES} read once at class-load time), so
 * reading a generated class such as {@code FeatureRecord} fails with a {@link SecurityException}. The
 * classes trusted here are the ones a reader schema that our code chose names (the generated class and
 * the records, enums and fixed types nested in its schema), never names taken from writer schemas.
 *
 * <p>The validator is JVM-global: {@link #trust} installs, once, a composite of the current global
 * predicate and our set. Thread-safe.
 */
public final class TrustedAvroClasses {
    private static final Set<Class<?>> TRUSTED = ConcurrentHashMap.newKeySet();
    private static ClassSecurityPredicate installed;

    private TrustedAvroClasses() {}

    /** Trusts {@code type} and the generated classes its schema refers to. */
    public static synchronized void trust(Class<? extends SpecificRecord> type) {
        Schema schema = SpecificData.getForClass(type).getSchema(type);
        TRUSTED.add(type);
        for (Schema named : namedTypes(schema)) {
            Class<?> nested = load(SpecificData.getClassName(named), type.getClassLoader());
            if (nested != null && (SpecificRecord.class.isAssignableFrom(nested) || nested.isEnum()
                    || SpecificFixed.class.isAssignableFrom(nested))) {
                TRUSTED.add(nested);
            }
        }
        if (ClassSecurityValidator.getGlobal() != installed) {
            installed = ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), TRUSTED::contains);
            ClassSecurityValidator.setGlobal(installed);
        }
    }

    /** Whether {@code type} has been trusted through this class. */
    public static boolean isTrusted(Class<?> type) {
        return TRUSTED.contains(type);
    }

    private static Set<Schema> namedTypes(Schema root) {
        Set<Schema> named = new HashSet<>();
        Deque<Schema> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Schema schema = todo.pop();
            switch (schema.getType()) {
                case RECORD -> {
                    if (named.add(schema)) {
                        schema.getFields().forEach(f -> todo.push(f.schema()));
                    }
                }
                case ENUM, FIXED -> named.add(schema);
                case ARRAY -> todo.push(schema.getElementType());
                case MAP -> todo.push(schema.getValueType());
                case UNION -> schema.getTypes().forEach(todo::push);
                default -> {
                    // primitives name no class
                }
            }
        }
        return named;
    }

    private static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
