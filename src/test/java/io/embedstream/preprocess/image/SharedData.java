package io.embedstream.preprocess.image;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (set by the pom as system property {@code embedstream.shared.dir}). Fails, never skips. */
final class SharedData {
    private SharedData() {}

    static Path dir() {
        String value = System.getProperty("embedstream.shared.dir");
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property embedstream.shared.dir is not set; run the tests through "
                    + "Maven (the pom sets it to ../shared) or pass -Dembedstream.shared.dir=/path/to/shared");
        }
        Path dir = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("embedstream.shared.dir=" + dir + " is not a directory");
        }
        return dir;
    }

    /** The 1,000 MNIST PNGs: {@code data/mnist-sample/images}. */
    static Path mnistImages() {
        Path images = dir().resolve("data/mnist-sample/images");
        if (!Files.isDirectory(images)) {
            throw new IllegalStateException("MNIST sample images not found at " + images);
        }
        return images;
    }
}
