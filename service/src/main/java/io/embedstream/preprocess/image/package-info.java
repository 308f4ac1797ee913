/**
 * Image bytes to model input: decode ({@link io.embedstream.preprocess.image.ImageDecoder}, ImageIO with a pixel
 * limit read from the header), then channels, resize and scaling
 * ({@link io.embedstream.preprocess.image.ImagePreprocessor} with {@code PixelRows}, {@code BilinearResizer} and
 * {@code PixelScaling}) into one NHWC row per image. Pure Java: no Kafka, no TensorFlow.
 *
 * <p>{@link io.embedstream.preprocess.image.ImagePipeline} is the image preprocess step as a whole: it fetches a
 * batch through {@link io.embedstream.fetch.ImageFetcher}, then decodes and preprocesses each image on the calling
 * thread. It and {@link io.embedstream.preprocess.image.ImageResult} (which names its
 * {@link io.embedstream.fetch.ImageRequest}) are the only classes here that use the {@code fetch} package; nothing
 * in {@code fetch} uses this one. Failures are {@link io.embedstream.failure.ImageFailure} values, never exceptions.
 * See {@code docs/images.md}.
 */
package io.embedstream.preprocess.image;
