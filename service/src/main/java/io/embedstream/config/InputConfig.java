package io.embedstream.config;

/**
 * What the input records are.
 *
 * @param format         feature-vector (schemas/FeatureRecord.avsc) or image-reference (schemas/ImageReference.avsc)
 * @param maxRecordBytes the largest input record value the service reads; a larger one is dead-lettered
 *                       ({@code RECORD_TOO_LARGE}) without being decoded. The producers are sized so that its
 *                       dead letter fits (see README, "Large records")
 */
public record InputConfig(InputFormat format, int maxRecordBytes) {
    public InputConfig {
        Checks.required("input.format", format);
        Checks.atLeast("input.max-record-bytes", maxRecordBytes, 1024);
    }
}
