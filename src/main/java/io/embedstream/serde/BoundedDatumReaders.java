package io.embedstream.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Avro datum readers that do not trust the item counts in the data when they size collections.
 *
 * <p>Avro pre-sizes an array or map with the count it reads from the bytes, so one corrupt count can
 * ask for a multi-gigabyte {@code float[]} and kill the stream thread with an {@link OutOfMemoryError}.
 * These readers cap that initial capacity; collections still grow to the real size, and a count larger
 * than the data ends in an {@link java.io.EOFException} instead. Thread-safe as Avro's readers are.
 */
final class BoundedDatumReaders {
    /** Initial capacity cap; real collections grow past it. */
    static final int MAX_INITIAL_CAPACITY = 1024;

    private BoundedDatumReaders() {}

    /** A reader that resolves {@code writer} to {@code reader} and builds objects with {@code model}. */
    static <T> DatumReader<T> create(Schema writer, Schema reader, GenericData model) {
        if (model instanceof SpecificData specific) {
            return new Specific<>(writer, reader, specific);
        }
        return new Generic<>(writer, reader, model);
    }

    private static int cap(int size) {
        return Math.max(0, Math.min(size, MAX_INITIAL_CAPACITY));
    }

    private static final class Generic<T> extends GenericDatumReader<T> {
        Generic(Schema writer, Schema reader, GenericData model) {
            super(writer, reader, model);
        }

        @Override
        protected Object newArray(Object old, int size, Schema schema) {
            return super.newArray(old, cap(size), schema);
        }

        @Override
        protected Object newMap(Object old, int size) {
            return super.newMap(old, cap(size));
        }
    }

    private static final class Specific<T> extends SpecificDatumReader<T> {
        Specific(Schema writer, Schema reader, SpecificData model) {
            super(writer, reader, model);
        }

        @Override
        protected Object newArray(Object old, int size, Schema schema) {
            return super.newArray(old, cap(size), schema);
        }

        @Override
        protected Object newMap(Object old, int size) {
            return super.newMap(old, cap(size));
        }
    }
}
