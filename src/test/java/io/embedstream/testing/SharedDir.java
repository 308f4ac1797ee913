package io.embedstream.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds {@code ../shared} (real models and sample data) for tests. The build passes its location as
 * the system property {@code embedstream.shared.dir}. A missing directory fails the test with a clear
 * message: tests that need real models are never skipped.
 */
public final class SharedDir {
    private SharedDir() {}

    public static Path root() {
        String configured = System.getProperty("embedstream.shared.dir", "../shared");
        Path dir = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("models"))) {
            throw new AssertionError("The shared test data is missing: " + dir + " has no models/ folder. Run the "
                    + "tests from a checkout that has ../shared beside it, or pass -Dembedstream.shared.dir=DIR.");
        }
        return dir;
    }

    /** {@code shared/models/<name>}. */
    public static Path model(String name) {
        Path dir = root().resolve("models").resolve(name);
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new AssertionError("Shared model " + name + " not found at " + dir);
        }
        return dir;
    }

    /** {@code shared/data/mnist-sample}. */
    public static Path mnistSample() {
        return root().resolve("data").resolve("mnist-sample");
    }
}
