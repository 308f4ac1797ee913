package io.embedstream.serde;

import io.embedstream.serde.RecordDecodingException.Reason;
import java.io.OutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the record (no Avro container, no fingerprint).
 *
 * <pre>
 * +------+----------------------+------------------+
 * | 0x00 | schema id (int32 BE) | Avro binary ...  |
 * +------+----------------------+------------------+
 * </pre>
 *
 * Static helpers; stateless and thread-safe.
 */
public final class ConfluentWireFormat {
    /** The first byte of every framed record. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_LENGTH = 5;

    private ConfluentWireFormat() {}

    /**
     * A parsed frame: the schema id and where the Avro body lies in {@code bytes} (which is not copied).
     *
     * @param schemaId the id from the header
     * @param bytes    the whole framed record
     */
    public record Frame(int schemaId, byte[] bytes) {
        /** Offset of the Avro body in {@link #bytes()}. */
        public int payloadOffset() {
            return HEADER_LENGTH;
        }

        /** Length of the Avro body. */
        public int payloadLength() {
            return bytes.length - HEADER_LENGTH;
        }

        /** A copy of the Avro body. */
        public byte[] payload() {
            return Arrays.copyOfRange(bytes, HEADER_LENGTH, bytes.length);
        }
    }

    /** The framed record: header for {@code schemaId} followed by {@code avroPayload}. */
    public static byte[] frame(int schemaId, byte[] avroPayload) {
        byte[] framed = new byte[HEADER_LENGTH + avroPayload.length];
        putHeader(framed, schemaId);
        System.arraycopy(avroPayload, 0, framed, HEADER_LENGTH, avroPayload.length);
        return framed;
    }

    /** The 5 header bytes for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        byte[] header = new byte[HEADER_LENGTH];
        putHeader(header, schemaId);
        return header;
    }

    /** Writes the 5 header bytes for {@code schemaId} to {@code out}. */
    public static void writeHeader(OutputStream out, int schemaId) throws IOException {
        out.write(header(schemaId));
    }

    /**
     * Reads the header of a framed record.
     *
     * @throws RecordDecodingException ({@link Reason#EMPTY}, {@link Reason#TOO_SHORT},
     *         {@link Reason#BAD_MAGIC_BYTE} or {@link Reason#UNKNOWN_SCHEMA_ID} for a negative id)
     *         with a message that says what was found and what was expected
     */
    public static Frame parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new RecordDecodingException(Reason.EMPTY, "Expected a Confluent-framed Avro record (magic byte 0,"
                    + " 4-byte schema id, Avro body) but the value is " + (bytes == null ? "null" : "empty"));
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new RecordDecodingException(Reason.BAD_MAGIC_BYTE, String.format(
                    "Unknown magic byte 0x%02x at offset 0 (expected 0x00, the Confluent wire format); "
                            + "the value is %d bytes starting %s", bytes[0] & 0xff, bytes.length, hexPrefix(bytes)));
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new RecordDecodingException(Reason.TOO_SHORT, "Value is " + bytes.length
                    + " bytes, shorter than the " + HEADER_LENGTH
                    + "-byte Confluent header (magic byte + 4-byte schema id)");
        }
        int schemaId = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8)
                | (bytes[4] & 0xff);
        if (schemaId < 0) {
            throw new RecordDecodingException(Reason.UNKNOWN_SCHEMA_ID, -1, "Schema id " + schemaId
                    + " in the Confluent header is negative; registry ids are positive", null);
        }
        return new Frame(schemaId, bytes);
    }

    /** Shorthand for {@code parse(bytes).schemaId()}. */
    public static int schemaId(byte[] bytes) {
        return parse(bytes).schemaId();
    }

    private static void putHeader(byte[] target, int schemaId) {
        if (schemaId < 0) {
            throw new IllegalArgumentException("schema id must be >= 0, was " + schemaId);
        }
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder("0x");
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length > 8 ? hex.append("...").toString() : hex.toString();
    }
}
