package io.embedstream.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An input record waiting in the batch buffer, exactly as it was consumed: its original bytes and
 * where it came from. Stored in the changelogged buffer store, so it survives a crash.
 */
public record PendingRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
        Headers headers) {

    private static final byte FORMAT = 1;

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(timestamp);
            writeBytes(out, key);
            writeBytes(out, value);
            Header[] all = headers == null ? new Header[0] : headers.toArray();
            out.writeInt(all.length);
            for (Header h : all) {
                out.writeUTF(h.key());
                writeBytes(out, h.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static PendingRecord fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("batch buffer entry has format " + format + ", expected " + FORMAT
                        + "; was it written by a newer embedstream?");
            }
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int count = in.readInt();
            RecordHeaders headers = new RecordHeaders();
            for (int i = 0; i < count; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return new PendingRecord(topic, partition, offset, timestamp, key, value, headers);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt batch buffer entry", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }

    /** topic-partition@offset, for log lines and error messages. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }
}
