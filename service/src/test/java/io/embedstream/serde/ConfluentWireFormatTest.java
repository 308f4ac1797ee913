package io.embedstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import io.embedstream.serde.ConfluentWireFormat.Frame;
import io.embedstream.serde.RecordDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

    @Test
    void shouldFrameWithMagicByteThenBigEndianSchemaIdThenPayload() {
        byte[] framed = ConfluentWireFormat.frame(0x01020304, new byte[] {9, 8, 7});

        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 9, 8, 7);
    }

    @Test
    void shouldParseSchemaIdAndLocatePayload() {
        Frame frame = ConfluentWireFormat.parse(new byte[] {0, 0, 0, 1, 44, 42, 43});

        assertThat(frame.schemaId()).isEqualTo(300);
        assertThat(frame.payloadOffset()).isEqualTo(5);
        assertThat(frame.payloadLength()).isEqualTo(2);
        assertThat(frame.payload()).containsExactly(42, 43);
    }

    @Test
    void shouldRoundTripLargestSchemaIdAndEmptyPayload() {
        byte[] framed = ConfluentWireFormat.frame(Integer.MAX_VALUE, new byte[0]);

        assertThat(framed).containsExactly(0, 0x7f, 0xff, 0xff, 0xff);
        assertThat(ConfluentWireFormat.schemaId(framed)).isEqualTo(Integer.MAX_VALUE);
        assertThat(ConfluentWireFormat.parse(framed).payloadLength()).isZero();
    }

    @Test
    void shouldWriteTheSameHeaderAsFrame() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfluentWireFormat.writeHeader(out, 65_537);

        assertThat(out.toByteArray()).containsExactly(0, 0, 1, 0, 1);
        assertThat(ConfluentWireFormat.header(65_537)).containsExactly(0, 0, 1, 0, 1);
    }

    @Test
    void shouldRejectNegativeSchemaIdWhenFraming() {
        assertThatThrownBy(() -> ConfluentWireFormat.frame(-1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema id must be >= 0, was -1");
    }

    @Test
    void shouldRejectEmptyValue() {
        assertThatThrownBy(() -> ConfluentWireFormat.parse(new byte[0]))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("the value is empty")
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(Reason.EMPTY);
                    assertThat(e.schemaId()).isEmpty();
                });
    }

    @Test
    void shouldRejectNullValue() {
        assertThatThrownBy(() -> ConfluentWireFormat.parse(null))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY))
                .hasMessageContaining("the value is null");
    }

    @Test
    void shouldRejectValueShorterThanHeader() {
        assertThatThrownBy(() -> ConfluentWireFormat.parse(new byte[] {0, 0, 1}))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.TOO_SHORT))
                .hasMessage("Value is 3 bytes, shorter than the 5-byte Confluent header (magic byte + 4-byte schema id)");
    }

    @Test
    void shouldRejectWrongMagicByteSayingWhatWasFoundAndExpected() {
        byte[] json = "{\"id\":\"r-1\",\"features\":[1.0]}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ConfluentWireFormat.parse(json))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE))
                .hasMessage("Unknown magic byte 0x7b at offset 0 (expected 0x00, the Confluent wire format); "
                        + "the value is 29 bytes starting 0x7b226964223a2272...");
    }

    @Test
    void shouldReportWrongMagicByteBeforeLengthForShortValues() {
        assertThatThrownBy(() -> ConfluentWireFormat.parse(new byte[] {1, 2}))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE))
                .hasMessageContaining("0x01 at offset 0 (expected 0x00");
    }

    @Test
    void shouldRejectNegativeSchemaIdWhenParsing() {
        assertThatThrownBy(() -> ConfluentWireFormat.parse(new byte[] {0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xfe, 2}))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID))
                .hasMessageContaining("Schema id -2 in the Confluent header is negative");
    }
}
