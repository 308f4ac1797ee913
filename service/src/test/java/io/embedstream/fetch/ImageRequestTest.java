package io.embedstream.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.ImageReference;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ImageRequestTest {

    @Test
    void shouldBuildRequestFromImageReferenceWithSchemaDefaults() {
        ImageReference ref = ImageReference.newBuilder().setId("r1").setUri("https://img.example.com/a.jpg").build();
        assertThat(ref.getBytes()).isNull();
        assertThat(ref.getAttributes()).isEmpty();
        assertThat(ref.getEventTime()).isNull();
        ImageRequest request = ImageRequest.from(ref);
        assertThat(request.id()).isEqualTo("r1");
        assertThat(request.uri()).isEqualTo("https://img.example.com/a.jpg");
        assertThat(request.hasInlineBytes()).isFalse();
    }

    @Test
    void shouldCopyInlineBytesOutOfAvrosBufferWithoutMovingIt() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4}, 1, 3);
        ImageReference ref = ImageReference.newBuilder().setId("r2").setUri("upload:r2").setBytes(buffer).build();
        ImageRequest request = ImageRequest.from(ref);
        assertThat(request.bytes()).containsExactly(1, 2, 3);
        assertThat(buffer.position()).isEqualTo(1);
        assertThat(request.describe()).isEqualTo("inline bytes of record r2 (upload:r2)");
    }

    @Test
    void shouldHideCredentialsWhenDescribed() {
        assertThat(ImageRequest.of("1", "https://user:pw@h.example.com/a.png?x=@y").describe())
                .isEqualTo("https://***@h.example.com/a.png?x=@y");
    }
}
