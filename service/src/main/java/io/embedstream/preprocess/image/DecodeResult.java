package io.embedstream.preprocess.image;

import io.embedstream.failure.ImageFailure;
import java.awt.image.BufferedImage;

/** The outcome of {@link ImageDecoder#decode}: a decoded image, or why not. */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Failed {

    /**
     * @param image  the first frame; owned by the receiver
     * @param format png, jpeg, gif or bmp (as detected from the bytes, not from a name or Content-Type)
     */
    record Decoded(BufferedImage image, String format) implements DecodeResult {}

    record Failed(ImageFailure failure) implements DecodeResult {}
}
